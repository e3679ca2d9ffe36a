"""Progress reports and cancellation for uploads, downloads and waits.

A progress callback receives `(sent_bytes, total_bytes)`; it runs on the thread doing the
transfer, so a GUI must hand it over to its own thread (a Qt signal) rather than touch widgets.
Cancellation is cooperative: the transfer checks the token between chunks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from voxbooth.api.errors import Cancelled

ProgressCallback = Callable[[int, int], None]


class CancelCheck(Protocol):
    def __call__(self) -> bool: ...


class CancelToken:
    """Set from any thread (a Cancel button); checked by the transfer between chunks."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def __call__(self) -> bool:
        return self._event.is_set()


Cancel = CancelToken | Callable[[], bool] | None


def raise_if_cancelled(cancel: Cancel, what: str) -> None:
    if cancel is not None and cancel():
        raise Cancelled(f"{what} cancelled", detail=f"{what} cancelled")
