"""Runs the backend's calls in workers; a change the service could not receive because it was
unreachable is kept and sent again once the service is back, so nothing the user did is lost.

A call names the `StudioBackend` method itself (`Requests.call(StudioBackend.rename_take, ...)`),
bound to whichever backend is connected when it runs, never a method's name. Only safe calls are
kept for replay: reads, renames and deletes (the same whatever the number of times they arrive),
and creates that carry their `idempotency_key`, so a create replayed after a timeout that the
service had in fact received makes nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

from voxbooth.studio.service.backend import StudioBackend, is_create
from voxbooth.studio.service.errors import is_cancelled, is_unreachable, user_message
from voxbooth.studio.service.rules import ServiceRules
from voxbooth.studio.service.workers import TaskRunner, Worker

BackendCall = Callable[..., Any]  # a StudioBackend method, called with the backend first


@dataclass
class _Pending:
    method: BackendCall
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    on_result: Callable[[Any], object] | None


class Requests(QObject):
    error = Signal(str)  # a sentence for the user
    unreachable = Signal(object)  # the exception: the connection decides what to do

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.backend: StudioBackend | None = None
        self._pending: list[_Pending] = []

    def set_backend(self, backend: StudioBackend | None) -> None:
        self.backend = backend
        if backend is not None:
            pending, self._pending = self._pending, []
            for item in pending:
                self.call(item.method, *item.args, on_result=item.on_result, keep=True,
                          **item.kwargs)

    @property
    def rules(self) -> ServiceRules | None:
        """The connected service's rules (limits, minimums), kept since it connected; None
        while no service is."""
        return self.backend.rules if self.backend is not None else None

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def call(self, method: BackendCall, *args: Any,
             on_result: Callable[[Any], object] | None = None,
             on_error: Callable[[BaseException], object] | None = None,
             on_progress: Callable[[int, int], object] | None = None,
             keep: bool = False, **kwargs: Any) -> Worker | None:
        """Calls `method(backend, *args, **kwargs)` in a worker. `keep`: a change to send again
        after a reconnection if the service did not answer (a create must carry its
        `idempotency_key` for that)."""
        if keep and is_create(method) and not kwargs.get("idempotency_key"):
            raise ValueError(f"{method.__name__} creates: it is kept for a replay only with "
                             "its idempotency_key")
        backend = self.backend
        if backend is None:
            if keep:
                self._pending.append(_Pending(method, args, kwargs, on_result))
            return None
        pending = _Pending(method, args, kwargs, on_result) if keep else None
        return self.run(method, backend, *args, on_result=on_result, on_error=on_error,
                        on_progress=on_progress, pending=pending, **kwargs)

    def run(self, fn: Callable[..., Any], *args: Any,
            on_result: Callable[[Any], object] | None = None,
            on_error: Callable[[BaseException], object] | None = None,
            on_progress: Callable[[int, int], object] | None = None,
            pending: _Pending | None = None, **kwargs: Any) -> Worker:
        """Runs any blocking function in a worker, reporting failures like `call` does."""

        def failed(exc: BaseException) -> None:
            if not isValid(self):  # the answer came after the window closed: nobody to tell
                return
            if is_cancelled(exc):
                if on_error is not None:
                    on_error(exc)
                return
            if is_unreachable(exc):
                if pending is not None:
                    self._pending.append(pending)
                self.unreachable.emit(exc)
            else:
                self.error.emit(user_message(exc))
            if on_error is not None:
                on_error(exc)

        return self.runner.run(fn, *args, on_result=on_result, on_error=failed,
                               on_progress=on_progress, **kwargs)
