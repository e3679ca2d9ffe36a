"""What becomes of an upload that did not go through, and how it is sent again (Qt-free).

An upload the service could not receive (down, crashed, too slow, failing with a 5xx) waits and
is sent again once the service answers; one it refused (a 4xx: bad audio, too large, no such
folder) fails at once with its words. An upload is a POST that creates a take: when the whole
file had left before the answer was lost, the service may have kept it, so the next attempt
first looks for it in the folder instead of making a second copy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.errors import is_cancelled, is_unreachable

WAIT, FAIL, CANCELLED = "wait", "fail", "cancelled"
WAITING_TEXT = "waiting for the service"
#: a service that answers its health check yet fails this very upload so many times has a
#: problem with it that waiting will not cure: the artist is told its detail instead
MAX_SERVER_FAILURES = 3
FIRST_RETRY_S = 1.0
MAX_RETRY_S = 30.0
#: the service's clock and ours may differ (a remote server): a take it stored this much before
#: the lost attempt began still counts as that attempt's
CLOCK_SLACK = timedelta(minutes=10)
SEARCH_PAGE = 100
SEARCH_PAGES = 5  # newest first: a lost attempt is among the latest takes of its folder


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


def retry_delay_s(round_index: int) -> float:
    """The pause before health check number `round_index` (0 first) of a waiting upload."""
    return min(MAX_RETRY_S, FIRST_RETRY_S * 2.0 ** max(0, round_index))


def probe_service(backend: Any) -> bool:
    """Worker thread: raises unless the service answers its health check."""
    return bool(backend.health())


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def find_stored_upload(backend: Any, folder_id: str, label: str, size_bytes: int,
                       since: datetime) -> TakeInfo | None:
    """Worker thread: the original the service kept from an attempt whose answer was lost
    (same folder, label and size, stored after `since` less the clock slack), if any."""
    earliest = _utc(since) - CLOCK_SLACK
    for page_index in range(SEARCH_PAGES):
        page = backend.client.recordings.list(folder_id=folder_id, limit=SEARCH_PAGE,
                                              offset=page_index * SEARCH_PAGE, direction="desc")
        items = [TakeInfo.from_api(r) for r in page.items]
        for take in items:
            if (not take.is_conversion and take.label == label
                    and take.size_bytes == size_bytes
                    and (take.created_at is None or _utc(take.created_at) >= earliest)):
                return take
        oldest = items[-1].created_at if items else None
        if len(items) < SEARCH_PAGE or (oldest is not None and _utc(oldest) < earliest):
            return None
    return None


def send_upload(backend: Any, path: Path, folder_id: str, size_bytes: int,
                maybe_stored_since: datetime | None = None, *,
                progress: Callable[[int, int], None] | None = None,
                cancel: threading.Event | None = None) -> TakeInfo:
    """Worker thread: uploads `path` into the folder, unless an earlier attempt begun at
    `maybe_stored_since` turns out to have been kept by the service after all."""
    if maybe_stored_since is not None:
        kept = find_stored_upload(backend, folder_id, path.stem, size_bytes,
                                  maybe_stored_since)
        if kept is not None:
            if progress is not None:
                progress(size_bytes, size_bytes)
            return kept
    return backend.upload(path, folder_id, progress=progress, cancel=cancel)
