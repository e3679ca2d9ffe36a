"""A supervised pool of audio worker processes: the only place codecs see uploaded bytes.

libsndfile, LAME, libvorbis and FFmpeg are C code fed with whatever a client sent; a crafted
file can make them segfault, abort or spin. So probing, decoding, transcoding and peaks run in
worker processes (pebble's ProcessPool, started with `spawn`: the service has threads, and a
forked child would inherit their locks). A crash or a timeout fails that one call with a 422
naming what happened; pebble replaces the dead worker and the service keeps serving.

The pools are warmed when the service starts (app.py) so the first upload does not pay for a
process start-up (one to three seconds: numpy, libsndfile and FFmpeg load); a call then costs
well under a millisecond of pickling and pipes (see tests/bench/test_audio_bombs.py).
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import signal
import threading
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from voxbooth.server.media.errors import AudioRejected, UndecodableAudio

log = logging.getLogger("voxbooth.server.media")

T = TypeVar("T")

DEFAULT_WORKERS = 2  # the machine a studio runs on may have two cores
# A worker is replaced after this many calls, so a slow leak in a codec cannot grow forever.
_MAX_TASKS_PER_WORKER = 500


def _signal_name(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return signal.Signals(-exitcode).name
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit code {exitcode}"


def _start_worker() -> None:
    """In each new worker: load the codecs, then cap the address space above what they take."""
    import resource

    from voxbooth.server.media import worker  # noqa: F401  (numpy, libsndfile, FFmpeg)
    from voxbooth.server.media.limits import WORKER_MEMORY_BYTES

    with open("/proc/self/statm") as statm:
        loaded = int(statm.read().split()[0]) * resource.getpagesize()
    cap = loaded + WORKER_MEMORY_BYTES
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


class AudioWorkers:
    """Runs functions in worker processes; every failure comes back as an AudioRejected."""

    def __init__(self, workers: int = DEFAULT_WORKERS) -> None:
        self.workers = workers
        self._pool: ProcessPool | None = None
        self._lock = threading.Lock()

    def _ensure_pool(self) -> ProcessPool:
        with self._lock:
            if self._pool is None or not self._pool.active:
                self._pool = ProcessPool(
                    max_workers=self.workers, max_tasks=_MAX_TASKS_PER_WORKER,
                    initializer=_start_worker, context=multiprocessing.get_context("spawn"))
            return self._pool

    def run(self, fn: Callable[..., T], *args: Any, timeout_s: float, what: str) -> T:
        """`fn(*args)` in a worker. `what` says what was being done, for the error detail
        ("Audio could not be decoded: the decoder crashed on it (SIGSEGV) while ...")."""
        try:
            future = self._ensure_pool().schedule(fn, args=args, timeout=timeout_s)
            return future.result()
        except AudioRejected:
            raise
        except (BrokenProcessPool, RuntimeError) as exc:
            # the workers cannot start (or the pool was stopped meanwhile): start afresh next
            # time; this call is the service's fault, not the audio's
            log.error("audio workers unavailable: %s", exc)
            self.stop()
            raise AudioRejected(503, "The audio workers are not available; try again "
                                     "shortly") from exc
        except FutureTimeout as exc:
            log.warning("audio worker timed out after %.0f s %s", timeout_s, what)
            raise UndecodableAudio(
                f"{what} took longer than {timeout_s:.0f} s and was stopped") from exc
        except ProcessExpired as exc:
            log.error("audio worker died (%s) %s", _signal_name(exc.exitcode), what)
            raise UndecodableAudio(
                f"the decoder crashed on it ({_signal_name(exc.exitcode)}) while {what}"
            ) from exc
        except MemoryError as exc:
            raise AudioRejected(413, f"Audio needs more memory than the service allows "
                                     f"while {what}") from exc

    def warm(self) -> None:
        """Starts every worker and loads the codecs in it (blocks until they answer)."""
        from voxbooth.server.media import worker

        futures = [self._ensure_pool().schedule(worker.ping) for _ in range(self.workers)]
        for future in futures:
            future.result(timeout=120)

    def stop(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()
            pool.join(timeout=10)


# Two pools, so that checking an upload never waits behind an hour of audio being encoded:
# "checks" verify uploads as they arrive; "renders" transcode served formats and do the jobs'
# decoding (waveform peaks, calibrations, voice samples).
CHECKS, RENDERS = "checks", "renders"
POOL_SIZES = {CHECKS: DEFAULT_WORKERS, RENDERS: 1}
_shared: dict[str, AudioWorkers] = {}
_shared_lock = threading.Lock()


def shared_workers(kind: str = CHECKS) -> AudioWorkers:
    """The process's pool of `kind` (warmed by the service's lifespan, or started on first use)."""
    with _shared_lock:
        pool = _shared.get(kind)
        if pool is None:
            pool = _shared[kind] = AudioWorkers(POOL_SIZES[kind])
            atexit.register(pool.stop)
        return pool


def all_shared_workers() -> list[AudioWorkers]:
    return [shared_workers(kind) for kind in POOL_SIZES]
