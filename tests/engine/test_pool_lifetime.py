"""The engine's worker processes do not outlive a service that was killed."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil

# Starts the shared pool, prints its workers' pids, then waits to be killed.
_OWNER = """
import os, sys, time
from voxbooth.engine import convert
if __name__ == "__main__":
    pool = convert._pool(chunk_count=2, max_workers=None)
    pids = {pool.submit(os.getpid).result() for _ in range(8)}
    print(" ".join(map(str, sorted(pids))), flush=True)
    time.sleep(600)
"""


def test_workers_end_when_their_owner_is_killed() -> None:
    if (os.cpu_count() or 1) < 2:
        return  # one core: the engine converts inline and starts no workers
    owner = subprocess.Popen([sys.executable, "-c", _OWNER], stdout=subprocess.PIPE, text=True)
    try:
        assert owner.stdout is not None
        worker_pids = [int(p) for p in owner.stdout.readline().split()]
        assert worker_pids and all(psutil.pid_exists(p) for p in worker_pids)
    finally:
        owner.kill()
        owner.wait()
    deadline = time.monotonic() + 30
    alive = worker_pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [p for p in worker_pids if psutil.pid_exists(p)
                 and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
    assert alive == [], f"engine workers still running after their owner died: {alive}"
