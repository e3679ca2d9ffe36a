"""Benchmark: a burst of 20 concurrent 1 MB uploads and 50 concurrent lists (run with -s).

Prints p50/p99 per request of each kind and the worst `/api/health` latency during the burst,
beside `/api/health` probed alone in the same run (the floor: HTTP and framework, no work).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.server.helpers import make_folder, make_project, wav_bytes
from tests.support.burst import percentile, run_burst
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


def test_burst_of_uploads_and_lists(server: LiveServer) -> None:
    audio = wav_bytes(duration_s=32.0)  # 1 MB
    with server.client() as http:
        folder = make_folder(http, make_project(http)["id"])
    alone = _health_alone(server)
    load_before = os.getloadavg()
    result = run_burst(server, folder["id"], audio)
    print(f"\nburst: 20 uploads of {len(audio) / 2**20:.2f} MB + 50 lists, "
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
    print(f"  load average before / after: {' '.join(f'{x:.1f}' for x in load_before)} / "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores "
          f"(niceness {os.nice(0)}; run under `nice -n -10` as root to approximate an idle "
          "machine)")
