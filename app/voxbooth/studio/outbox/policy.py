"""What becomes of an upload that did not go through, and how it is sent again (Qt-free).

One policy for everything in the outbox, recorded takes and dropped files alike. An upload the
service could not receive (down, crashed, too slow, failing with a 5xx, busy with a 429) waits and
is sent again once the service answers, after a pause that grows with each failed health check
and is never shorter than the service's Retry-After; one it refused (a 4xx: bad audio, too large,
no such folder) fails at once with its words. An upload is a POST that creates a take: every
attempt carries the entry's Idempotency-Key, so a service that stored the first answers the
repeat with the same take. The service keeps a key for a day, and the queue is persisted: a take
whose answer was lost before a long absence could outlive its key, so when the whole file had
left before the answer was lost, the next attempt still first looks for it in the folder.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol

from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.service.errors import is_cancelled, is_unreachable

WAIT, FAIL, CANCELLED = "wait", "fail", "cancelled"
WAITING_TEXT = "waiting for the service"
#: a service that answers its health check yet fails this very upload so many times has a
#: problem with it that waiting will not cure: the artist is told its detail instead
MAX_SERVER_FAILURES = 3
FIRST_RETRY_S = 1.0
MAX_RETRY_S = 30.0


def fate(exc: BaseException, server_failures: int = 0) -> str:
    """WAIT, FAIL or CANCELLED for an upload that raised `exc`; `server_failures` counts the
    5xx (or 429) answers this upload already had."""
    if is_cancelled(exc):
        return CANCELLED
    if is_unreachable(exc):
        return WAIT
    if is_server_trouble(exc):
        return WAIT if server_failures + 1 < MAX_SERVER_FAILURES else FAIL
    return FAIL


def is_server_trouble(exc: BaseException) -> bool:
    """A 5xx, or a 429 (busy): the service answered but did not refuse the file itself."""
    status = getattr(exc, "status", None)
    return isinstance(status, int) and (status == 429 or status >= 500)


def retry_delay_s(round_index: int, retry_after_s: float | None = None) -> float:
    """The pause before health check number `round_index` (0 first) of a waiting upload; at
    least the `Retry-After` the service asked for (up to MAX_RETRY_S)."""
    backoff_s = min(MAX_RETRY_S, FIRST_RETRY_S * 2.0 ** max(0, round_index))
    if retry_after_s is not None and retry_after_s > 0:
        return max(backoff_s, min(MAX_RETRY_S, retry_after_s))
    return backoff_s


def retry_after_s(exc: BaseException) -> float | None:
    """The seconds a 429 (or a 503) asked the client to wait, when it said."""
    value = getattr(exc, "retry_after", None)
    return float(value) if isinstance(value, int | float) else None


class UploadDoor(Protocol):
    """What the policy needs of the service's door (`StudioBackend`)."""

    def health(self) -> bool: ...

    def find_upload(self, folder_id: str, label: str, size_bytes: int,
                    since: datetime) -> TakeInfo | None: ...

    def upload(self, path: Path, folder_id: str, *, label: str | None = None,
               progress: Callable[[int, int], None] | None = None,
               cancel: threading.Event | None = None,
               idempotency_key: str | None = None, text: str | None = None) -> TakeInfo: ...


def probe_service(backend: UploadDoor) -> bool:
    """Worker thread: raises unless the service answers its health check."""
    return bool(backend.health())


def send_upload(backend: UploadDoor, path: Path, folder_id: str, label: str, size_bytes: int,
                key: str, maybe_stored_since: datetime | None = None, *,
                progress: Callable[[int, int], None] | None = None,
                cancel: threading.Event | None = None, text: str = "") -> TakeInfo:
    """Worker thread: uploads `path` into the folder as `label` (reading the script line
    `text`, if any), unless an earlier attempt begun at `maybe_stored_since` turns out to have
    been kept by the service after all."""
    if maybe_stored_since is not None:
        kept = backend.find_upload(folder_id, label, size_bytes, maybe_stored_since)
        if kept is not None:
            if progress is not None:
                progress(size_bytes, size_bytes)
            return kept
    return backend.upload(path, folder_id, label=label, progress=progress, cancel=cancel,
                          idempotency_key=key, text=text or None)
