"""Benchmark: a burst of 20 concurrent 1 MB uploads and 50 concurrent lists (run with -s).

Prints p50/p99 per request of each kind and the worst `/api/health` latency during the burst,
beside `/api/health` probed alone in the same run (the floor: HTTP and framework, no work).

The burst's clients run on the service's own two cores, so a probe's latency includes time
the service's event loop and the probe spent waiting for a CPU (Linux schedstat, printed
beside the figures). The burst runs twice: clients at this process's priority, then clients
ten niceness steps below it, as clients on other machines would take none of its CPU.

BENCH_TRACE=DIR traces the service (tests/bench/loop_trace) and prints, for the slowest health
probes, where their time went (before the service read the request, in the service, after it
had written the answer), the event loop's longest stalls with the loop thread's stack
(innermost Python frame first; `runners.py:118:run` alone means the loop was in uvloop's C code:
polling, or waiting for the GIL or a CPU), and garbage collections over 5 ms.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server.helpers import make_folder, make_project, wav_bytes
from tests.support.burst import BurstResult, cpu_wait_s, percentile, run_burst
from tests.support.server import LiveServer

TRACE_DIR = os.environ.get("BENCH_TRACE")
TRACE_HOOK = Path(__file__).parent / "loop_trace"


def _trace_file() -> Path | None:
    return Path(TRACE_DIR) / "service-trace.jsonl" if TRACE_DIR else None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    extra: dict[str, str] = {}
    trace = _trace_file()
    if trace is not None:
        trace.parent.mkdir(parents=True, exist_ok=True)
        trace.unlink(missing_ok=True)
        extra = {"VOXBOOTH_BENCH_TRACE": str(trace), "PYTHONPATH": os.pathsep.join(
            [str(TRACE_HOOK), os.environ.get("PYTHONPATH", "")])}
    live = LiveServer(data_dir=tmp_path_factory.mktemp("svc") / "data", extra_env=extra).start()
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


def _print_trace(result: BurstResult, started: float) -> None:
    """Where the slowest probes' time went, from the service's trace (BENCH_TRACE)."""
    trace = _trace_file()
    if trace is None:
        return
    time.sleep(1.0)  # the service writes its trace every half second
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    health = [e for e in events if e["k"] == "health" and e["rx"] and e["done"]]
    print("  slowest probes: before the service read it | in the service | after it answered")
    for sent, answered in sorted(result.health_spans, key=lambda s: s[0] - s[1])[:5]:
        seen = next((h for h in health if sent - 0.001 <= h["rx"] <= answered), None)
        if seen is None:
            print(f"    {(answered - sent) * 1000:5.0f} ms: not in the trace")
            continue
        print(f"    {(answered - sent) * 1000:5.0f} ms: {(seen['rx'] - sent) * 1000:5.0f} | "
              f"{(seen['done'] - seen['rx']) * 1000:5.0f} | "
              f"{(answered - seen['done']) * 1000:5.0f}  at {sent - started:.2f} s")
    end = max((answered for _, answered in result.health_spans), default=started)
    stalls = sorted((e for e in events if e["k"] == "stall" and started <= e["since"] <= end),
                    key=lambda e: -e["ms"])
    print(f"  event-loop stalls over 10 ms: {len(stalls)}, "
          f"{sum(e['ms'] for e in stalls):.0f} ms in all; the longest:")
    for stall in stalls[:5]:
        print(f"    {stall['ms']:5.0f} ms at {stall['since'] - started:.2f} s in "
              + " < ".join(stall["loop"][:4]))
    pauses = [e for e in events if e["k"] == "gc" and started <= e["t0"] <= end]
    print("  garbage collections over 5 ms: " + (", ".join(
        f"gen{e['gen']} {e['ms']:.0f} ms ({e['thread']})" for e in pauses) or "none"))


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
    started = time.perf_counter()
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
    _print_trace(result, started)


def test_burst_of_uploads_and_lists(server: LiveServer) -> None:
    audio = wav_bytes(duration_s=32.0)  # 1 MB
    alone = _health_alone(server)
    _burst(server, audio, alone, client_niceness=0)
    _burst(server, audio, alone, client_niceness=10)
