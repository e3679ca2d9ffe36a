"""The worker threads that run sync routes and the database and file steps of async routes:
all of them started before the service answers, and kept for its lifetime.

anyio starts a worker thread whenever a call finds none idle, and it does so on the event
loop, where `Thread.start()` waits until the new thread has been scheduled and has taken the
GIL. In a burst on a busy 2-core machine that wait was measured at up to 176 ms, during
which the loop answered nothing, /api/health included. anyio also retires threads idle for
10 s, so every burst after a quiet spell paid it again. Starting them all while the service
starts, and never retiring them, leaves the loop nothing to wait for.
"""

from __future__ import annotations

import logging
import math
import threading

import anyio
from anyio import to_thread

log = logging.getLogger("voxbooth.server")

_START_TIMEOUT_S = 60.0


def keep_idle_threads() -> None:
    """Idle worker threads are never retired (anyio's default retires them after 10 s)."""
    try:
        from anyio._backends._asyncio import WorkerThread
    except ImportError:  # another anyio: threads may be retired and started again
        log.warning("anyio's worker threads could not be kept; a burst may start new ones")
        return
    # a float where anyio declares an int: `now - idle_since < inf` always holds
    setattr(WorkerThread, "MAX_IDLE_TIME", math.inf)  # noqa: B010


async def start_worker_threads(count: int) -> None:
    """Starts `count` worker threads in this event loop's pool (on the loop: call it while
    the service starts, before it answers). Each call holds its thread until all `count`
    have one, so anyio cannot reuse a thread and must start them all."""
    keep_idle_threads()
    everyone = threading.Barrier(count, timeout=_START_TIMEOUT_S)
    limiter = anyio.CapacityLimiter(count)

    def wait_for_the_others() -> None:
        try:
            everyone.wait()
        except threading.BrokenBarrierError:  # a machine too busy: the rest start on demand
            log.warning("only some worker threads started within %.0f s", _START_TIMEOUT_S)

    async with anyio.create_task_group() as group:
        for _ in range(count):
            group.start_soon(lambda: to_thread.run_sync(wait_for_the_others, limiter=limiter))
