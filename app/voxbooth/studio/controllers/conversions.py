"""Conversions in progress refresh by themselves; a finished one is announced (no modal box).

Every conversion this studio ordered (`follow`) or saw in progress in a folder is followed until
it is final, even after the artist has moved to another folder or project: the folder on screen
only decides which rows are refreshed, not which conversions are announced.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, QTimer, Signal

from voxbooth.studio.controllers.followed import Fetched, FollowedConversions, fetch_states
from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.models.takes import TakesModel
from voxbooth.studio.service.requests import Requests

POLL_INTERVAL_MS = 1000


class ConversionWatcher(QObject):
    """GUI thread; one worker asks for every followed take per poll, never two at once."""

    finished = Signal(object)  # TakeInfo that just reached done
    failed = Signal(object)  # TakeInfo that just reached error

    def __init__(self, requests: Requests, takes: TakesModel, parent: QObject | None = None,
                 interval_ms: int = POLL_INTERVAL_MS) -> None:
        super().__init__(parent)
        self.requests = requests
        self.takes = takes
        self.followed = FollowedConversions()
        self._asking = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        # another folder replaces the list: what was converting there is followed first
        takes.modelAboutToBeReset.connect(self._follow_shown)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def follow(self, takes: Iterable[TakeInfo]) -> None:
        """Conversions just ordered or retried, shown here or not (`OrderController.ordered`)."""
        self.followed.follow(takes)

    def _follow_shown(self) -> None:
        self.followed.follow(self.takes.takes())

    def poll(self) -> None:
        """Asks the service about every followed take, in one worker."""
        self._follow_shown()
        backend = self.requests.backend
        if self._asking or backend is None or not len(self.followed):
            return
        self._asking = True
        self.requests.run(fetch_states, backend, self.followed.ids(), on_result=self._on_fetched,
                          on_error=self._on_fetch_failed)

    def _on_fetch_failed(self, _exc: BaseException) -> None:
        self._asking = False  # the connection was told; the next tick asks again

    def _on_fetched(self, fetched: Fetched) -> None:
        self._asking = False
        self.followed.forget(fetched.gone)
        for fresh in fetched.fresh:
            if self.takes.take(fresh.id) is not None:  # shown: its row moves on
                self.takes.upsert(fresh)
            final = self.followed.settle(fresh)
            if final is None:
                continue
            if final.state == "done":
                self.finished.emit(final)
            elif final.state == "error":
                self.failed.emit(final)
