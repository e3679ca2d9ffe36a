"""The service's worker threads exist before it answers: a burst of sync work never makes the
event loop start a thread (Thread.start() waits on the loop until the new thread runs, which
took up to 176 ms during the burst bench and held up /api/health with everything else)."""

from __future__ import annotations

import threading
from functools import partial

import anyio
from anyio import to_thread

from voxbooth.server.threads import start_worker_threads

THREADS = 6


def _worker_threads() -> set[int]:
    return {t.ident for t in threading.enumerate()
            if t.name == "AnyIO worker thread" and t.ident is not None}


async def _start_then_burst() -> tuple[set[int], set[int], set[int]]:
    existing = _worker_threads()
    await start_worker_threads(THREADS)
    started = _worker_threads() - existing
    # as many concurrent calls as there are threads, each holding its thread until all run
    everyone = threading.Barrier(THREADS, timeout=10)
    used: set[int] = set()

    def hold() -> None:
        used.add(threading.get_ident())
        everyone.wait()

    limiter = anyio.CapacityLimiter(THREADS)
    async with anyio.create_task_group() as group:
        for _ in range(THREADS):
            group.start_soon(partial(to_thread.run_sync, hold, limiter=limiter))
    return started, used, _worker_threads() - existing


def test_a_burst_runs_on_the_threads_started_up_front() -> None:
    started, used, after = anyio.run(_start_then_burst)
    assert len(started) == THREADS
    assert used == started  # every call ran on a thread that was already there
    assert after == started  # and none was started for the burst
