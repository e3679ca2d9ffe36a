"""Benchmark: a burst of 20 concurrent 1 MB uploads and 50 concurrent lists (run with -s).

Prints p50/p99 per request of each kind and the worst `/api/health` latency during the burst,
beside `/api/health` probed alone in the same run (the floor: HTTP and framework, no work).

The burst's clients run on the service's own two cores, so a probe's latency includes time
the service's event loop and the probe spent waiting for a CPU (Linux schedstat, printed
beside the figures). The burst runs twice: clients at this process's priority, then clients
ten niceness steps below it, as clients on other machines would take none of its CPU.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server.helpers import make_folder, make_project, wav_bytes
from tests.support.burst import cpu_wait_s, percentile, run_burst
from tests.support.server import LiveServer


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(data_dir=tmp_path_factory.mktemp("svc") / "data").start()
    try:
        yield live
    finally:
        live.stop()


def _health_alone(server: LiveServer, count: int = 100) -> list[float]:
    times = []
    with httpx.Client(base_url=server.url) as http:
        for _ in range(count):
            started = time.perf_counter()
            http.get("/api/health").raise_for_status()
            times.append(time.perf_counter() - started)
    return times


def _cpu_s(pid: int) -> float:
    """CPU seconds used by process `pid` and its live children (the audio workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _wait_until_idle(pid: int, timeout_s: float = 30.0) -> None:
    """Until the service (its jobs: waveform peaks of earlier uploads) stops using the CPU."""
    deadline = time.monotonic() + timeout_s
    used = _cpu_s(pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = _cpu_s(pid)
        if now - used < 0.05:
            return
        used = now


def _ms(seconds: float | None) -> str:
    return "?" if seconds is None else f"{seconds * 1000:.0f} ms"


def _burst(server: LiveServer, audio: bytes, alone: list[float], client_niceness: int) -> None:
    assert server.proc is not None
    with server.client() as http:
        folder = make_folder(http, make_project(http)["id"])
    pid = server.proc.pid
    _wait_until_idle(pid)
    load_before = os.getloadavg()
    loop_wait_before, service_cpu_before = cpu_wait_s(pid), _cpu_s(pid)
    clients_cpu_before = sum(os.times()[:2])
    result = run_burst(server, folder["id"], audio, client_niceness=client_niceness)
    loop_wait_after, service_cpu_after = cpu_wait_s(pid), _cpu_s(pid)
    clients_cpu = sum(os.times()[:2]) - clients_cpu_before
    who = "at this process's priority" if not client_niceness else \
        f"{client_niceness} niceness steps below it (as remote clients)"
    print(f"\nburst: 20 uploads of {len(audio) / 2**20:.2f} MB + 50 lists, clients {who}, "
          f"wall {result.wall_s:.2f} s")
    for kind in ("upload", "list"):
        times = result.seconds(kind)
        busy = sum(o.busy_answers for o in result.outcomes if o.kind == kind)
        print(f"  {kind:6s} p50 {percentile(times, .5) * 1000:7.0f} ms  "
              f"p99 {percentile(times, .99) * 1000:7.0f} ms  503s retried: {busy}")
    print(f"  failed requests: {len(result.failures())} of {len(result.outcomes)}")
    for failure in result.failures()[:5]:
        print(f"    {failure.kind} {failure.status} {failure.error[:120]}")
    worst = max(result.health_s) if result.health_s else float("nan")
    during_p50 = statistics.median(result.health_s)
    print(f"  /api/health during burst: worst {worst * 1000:.0f} ms, "
          f"p99 {percentile(result.health_s, .99) * 1000:.0f} ms, "
          f"p50 {during_p50 * 1000:.1f} ms over {len(result.health_s)} "
          f"probes, failures {len(result.health_failures)} (target: worst under 100 ms)")
    print(f"  /api/health alone:        worst {max(alone) * 1000:.0f} ms, "
          f"p50 {statistics.median(alone) * 1000:.1f} ms")
    print(f"  ratio burst/alone: worst {worst / max(alone):.1f}x, "
          f"p50 {during_p50 / statistics.median(alone):.1f}x")
    loop_wait = None if loop_wait_before is None or loop_wait_after is None \
        else loop_wait_after - loop_wait_before
    print(f"  waiting for a CPU during the burst: the service's event loop {_ms(loop_wait)}, "
          f"the probe {_ms(result.probe_cpu_wait_s)}; CPU used: service with its audio "
          f"workers {service_cpu_after - service_cpu_before:.2f} s, clients "
          f"{clients_cpu:.2f} s, on {os.cpu_count()} cores")
    print(f"  load average before / after: {' '.join(f'{x:.1f}' for x in load_before)} / "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} (niceness {os.nice(0)}; run under "
          "`nice -n -10` as root to approximate an idle machine)")


def test_burst_of_uploads_and_lists(server: LiveServer) -> None:
    audio = wav_bytes(duration_s=32.0)  # 1 MB
    alone = _health_alone(server)
    _burst(server, audio, alone, client_niceness=0)
    _burst(server, audio, alone, client_niceness=10)
