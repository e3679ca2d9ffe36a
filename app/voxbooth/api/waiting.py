"""Waiting for work on the service (a conversion, a calibration) to reach a final state.

The service in this repository offers no server-sent events, so this polls; each poll is one
cheap GET, and `on_progress` sees every state the caller would otherwise have to fetch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from voxbooth.api.errors import Timeout
from voxbooth.api.progress import Cancel, raise_if_cancelled

T = TypeVar("T")


class WaitTimedOut(Timeout):
    """The work did not finish within `timeout_s`; `last` is its state when we gave up."""

    summary = "The service has not finished yet"

    def __init__(self, message: str, *, last: object) -> None:
        super().__init__(message, detail=message)
        self.last = last


def wait_until(
    fetch: Callable[[], T],
    is_final: Callable[[T], bool],
    *,
    what: str,
    timeout_s: float,
    poll_s: float,
    on_progress: Callable[[T], None] | None = None,
    cancel: Cancel = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Calls `fetch()` every `poll_s` until `is_final(result)`; returns that final result."""
    deadline = time.monotonic() + timeout_s
    while True:
        raise_if_cancelled(cancel, f"Waiting for {what}")
        current = fetch()
        if on_progress is not None:
            on_progress(current)
        if is_final(current):
            return current
        remaining_s = deadline - time.monotonic()
        if remaining_s <= 0:
            raise WaitTimedOut(f"{what} not finished after {timeout_s:g} s", last=current)
        sleep(min(poll_s, remaining_s))
