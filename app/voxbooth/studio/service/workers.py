"""Background work for the studio: QRunnable workers with a signals object on a QThreadPool.

The GUI thread never waits on the network or the disk (STYLE.md habit 3): every request runs in a
`Worker` and its result comes back through `WorkerSignals`, delivered on the GUI thread by Qt's
queued connections. The connections are queued whatever thread the work ran on, so a pool that
runs work where it is started (tests) still delivers every result on a later turn of the event
loop, as the studio's pools do: no caller can see its result before it returns.
"""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

PROGRESS_INTERVAL_S = 0.033


class Cancelled(Exception):
    """Raised inside a task when its `cancel` event was set."""


class WorkerSignals(QObject):
    """Signals of one worker; created on the GUI thread so receivers get queued calls."""

    started = Signal()
    returned = Signal(object)
    errored = Signal(object)
    progress = Signal(object, object)  # done, total (ints; bytes or items)
    finished = Signal()


class Worker(QRunnable):
    """Runs `fn(*args, **kwargs)` once, off the GUI thread.

    If `fn` accepts `progress` or `cancel` keyword arguments it is given a callback
    `progress(done, total)` and a `threading.Event` that `cancel()` sets.
    """

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the Python side keeps it until `finished`
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.signals = WorkerSignals()
        self.cancel_event = threading.Event()
        self._last_progress_s = 0.0
        params = _parameter_names(fn)
        if "progress" in params:
            self.kwargs["progress"] = self._report_progress
        if "cancel" in params:
            self.kwargs["cancel"] = self.cancel_event

    def _report_progress(self, done: int, total: int) -> None:
        # at most ~30 reports a second: a fast upload must not flood the GUI thread's queue
        now = time.monotonic()
        if done >= total or now - self._last_progress_s >= PROGRESS_INTERVAL_S:
            self._last_progress_s = now
            self.signals.progress.emit(done, total)

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def run(self) -> None:  # runs on a pool thread
        try:
            self.signals.started.emit()
            try:
                result = self.fn(*self.args, **self.kwargs)
            except BaseException as exc:  # reported to the GUI, never lost in a pool thread
                self.signals.errored.emit(exc)
            else:
                self.signals.returned.emit(result)
            finally:
                self.signals.finished.emit()
        except RuntimeError:
            # the signals object was deleted: the application is closing and nobody is
            # left to tell; the work itself is finished
            pass


def _parameter_names(fn: Callable[..., Any]) -> set[str]:
    try:
        return set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return set()


class Pool(Protocol):
    def start(self, runnable: QRunnable) -> None: ...

    def waitForDone(self, msecs: int = -1) -> bool: ...


_QUEUED = Qt.ConnectionType.QueuedConnection


class TaskRunner:
    """Starts workers on a pool and keeps them alive until they finish."""

    def __init__(self, pool: Pool | None = None) -> None:
        self.pool: Pool = pool if pool is not None else QThreadPool.globalInstance()
        self._running: set[Worker] = set()

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], object] | None = None,
        on_error: Callable[[BaseException], object] | None = None,
        on_progress: Callable[[int, int], object] | None = None,
        **kwargs: Any,
    ) -> Worker:
        """Runs `fn` in the background; callbacks are called on the GUI thread, each on a turn
        of the event loop after this returns."""
        worker = Worker(fn, *args, **kwargs)
        if on_result is not None:
            worker.signals.returned.connect(on_result, _QUEUED)
        if on_error is not None:
            worker.signals.errored.connect(on_error, _QUEUED)
        if on_progress is not None:
            worker.signals.progress.connect(on_progress, _QUEUED)
        worker.signals.finished.connect(lambda: self._running.discard(worker), _QUEUED)
        self._running.add(worker)
        self.pool.start(worker)
        return worker

    @property
    def busy(self) -> int:
        return len(self._running)

    def cancel_all(self) -> None:
        for worker in list(self._running):
            worker.cancel()
