"""Runs backend calls in workers; a change the service could not receive because it was
unreachable is kept and sent again once the service is back, so nothing the user did is lost."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from voxbooth.studio.backend import StudioBackend
from voxbooth.studio.errors import is_cancelled, is_unreachable, user_message
from voxbooth.studio.workers import TaskRunner, Worker


@dataclass
class _Pending:
    method: str
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
    def pending_count(self) -> int:
        return len(self._pending)

    def call(self, method: str, *args: Any, on_result: Callable[[Any], object] | None = None,
             on_error: Callable[[BaseException], object] | None = None,
             on_progress: Callable[[int, int], object] | None = None,
             keep: bool = False, **kwargs: Any) -> Worker | None:
        """Calls `backend.<method>(*args)` in a worker. `keep`: a change to send again after
        a reconnection if the service did not answer."""
        backend = self.backend
        if backend is None:
            if keep:
                self._pending.append(_Pending(method, args, kwargs, on_result))
            return None
        pending = _Pending(method, args, kwargs, on_result) if keep else None
        return self.run(getattr(backend, method), *args, on_result=on_result,
                        on_error=on_error, on_progress=on_progress, pending=pending, **kwargs)

    def run(self, fn: Callable[..., Any], *args: Any,
            on_result: Callable[[Any], object] | None = None,
            on_error: Callable[[BaseException], object] | None = None,
            on_progress: Callable[[int, int], object] | None = None,
            pending: _Pending | None = None, **kwargs: Any) -> Worker:
        """Runs any blocking function in a worker, reporting failures like `call` does."""

        def failed(exc: BaseException) -> None:
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
