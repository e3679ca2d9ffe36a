"""The conversions this studio ordered or saw in progress, followed until they are final
wherever the artist has gone since (another folder, another project). Qt-free: the watcher
(`conversions.py`) feeds it and asks the service in a worker with `fetch_states`."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice

from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.service.backend import StudioBackend
from voxbooth.studio.service.errors import is_gone, is_service_error, is_unreachable


class FollowedConversions:
    """Take id -> its last known state, for takes still busy (new, queued, processing).

    Kept in the order the takes were first seen, which is the order they were ordered in (a
    folder is listed oldest first; new orders join at the end): the service's queue order."""

    def __init__(self) -> None:
        self._last: dict[str, TakeInfo] = {}
        self._running: dict[str, None] = {}  # the followed takes the service is converting
        self._rotation: deque[str] = deque()  # every followed take, the longest unasked first

    def follow(self, takes: Iterable[TakeInfo]) -> None:
        """Busy takes join (a finished one has nothing left to announce)."""
        for take in takes:
            if take.is_busy:
                if take.id not in self._last:
                    self._rotation.append(take.id)
                self._record(take)

    def _record(self, take: TakeInfo) -> None:
        self._last[take.id] = take
        if take.state == "processing":
            self._running[take.id] = None
        else:
            self._running.pop(take.id, None)

    def ids(self) -> list[str]:
        return list(self._last)

    def next_ids(self, limit: int) -> list[str]:
        """The takes to ask about this round, at most `limit`, so that a folder with
        thousands of conversions in flight costs one round what a few do (and the GUI thread
        a few dozen steps): the running ones first (they move), then the next in the queue,
        then, in a quarter of the slots, the next in a rotation through all of them (one
        deleted or run out of order is found in time too)."""
        if len(self._last) <= limit:
            return list(self._last)
        chosen = dict.fromkeys(islice(self._running, limit))
        queued = (i for i in self._last if i not in self._running)
        chosen.update(dict.fromkeys(islice(queued, max(0, limit - len(chosen) - limit // 4))))
        for _ in range(len(self._rotation)):
            if len(chosen) >= limit:
                break
            take_id = self._rotation.popleft()
            if take_id in self._last:  # forgotten ones leave the rotation here
                self._rotation.append(take_id)
                chosen.setdefault(take_id, None)
        return list(chosen)

    def __len__(self) -> int:
        return len(self._last)

    def __contains__(self, take_id: object) -> bool:
        return take_id in self._last

    def settle(self, fresh: TakeInfo) -> TakeInfo | None:
        """Records a state from the service; returns the take when it has just become final
        (done, error or anything no longer busy), and stops following it, so each one is
        announced once."""
        if fresh.id not in self._last:
            return None
        if fresh.is_busy:
            self._record(fresh)
            return None
        del self._last[fresh.id]
        self._running.pop(fresh.id, None)
        return fresh

    def forget(self, take_ids: Iterable[str]) -> None:
        for take_id in take_ids:
            self._last.pop(take_id, None)
            self._running.pop(take_id, None)


@dataclass(frozen=True)
class Fetched:
    fresh: list[TakeInfo] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)  # deleted on the service


def fetch_states(backend: StudioBackend, take_ids: list[str]) -> Fetched:
    """Worker thread: each take's state now. Raises when the service does not answer (the
    connection is told and the next poll asks again); a take the service no longer has (or
    never had: the server was changed) is `gone`; any other refusal is asked again next time."""
    fetched = Fetched()
    for take_id in take_ids:
        try:
            fetched.fresh.append(backend.get_take(take_id))
        except Exception as exc:
            if is_gone(exc):  # deleted, or another server's since the settings changed
                fetched.gone.append(take_id)
            elif not is_service_error(exc) or is_unreachable(exc):
                raise
    return fetched
