"""Conversions in progress refresh by themselves; a finished one is announced (no modal box).

Every conversion this studio ordered (`follow`) or saw in progress in a folder is followed until
it is final, even after the artist has moved to another folder or project: the folder on screen
only decides which rows are refreshed, not which conversions are announced.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QObject, QTimer, Signal

from voxbooth.studio.controllers.followed import Fetched, FollowedConversions, fetch_states
from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.models.takes import TakesModel
from voxbooth.studio.service.requests import Requests

POLL_INTERVAL_MS = 1000
POLL_BATCH = 24  # takes asked about per poll, however many are in flight (`next_ids`)


class ConversionWatcher(QObject):
    """GUI thread; one worker asks for every followed take per poll, never two at once."""

    finished = Signal(object)  # TakeInfo that just reached done
    failed = Signal(object)  # TakeInfo that just reached error

    def __init__(self, requests: Requests, takes: TakesModel, parent: QObject | None = None,
                 interval_ms: int = POLL_INTERVAL_MS, batch: int = POLL_BATCH) -> None:
        super().__init__(parent)
        self.batch = batch
        self.requests = requests
        self.takes = takes
        self.followed = FollowedConversions()
        self._asking = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        # what is converting is followed as it is shown, not looked for in the whole list at
        # every poll: another folder replaces the list (what was converting there is followed
        # first), a list arrives, a take is added, a take changes. A list is followed once:
        # sorting and filtering take its rows in again, and 15,000 takes walked again at each
        # held the GUI thread for tens of ms
        self._followed_list = -1  # the `generation` of the list last followed
        takes.modelAboutToBeReset.connect(self._follow_list)
        takes.populated.connect(self._follow_list)
        takes.added.connect(lambda take: self.followed.follow([take]))
        takes.dataChanged.connect(self._follow_changed)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def follow(self, takes: Iterable[TakeInfo]) -> None:
        """Conversions just ordered or retried, shown here or not (`OrderController.ordered`)."""
        self.followed.follow(takes)

    def _follow_list(self) -> None:
        if self._followed_list != self.takes.generation:
            self._followed_list = self.takes.generation
            self.followed.follow(self.takes.takes())

    def _follow_changed(self, top_left: QModelIndex, bottom_right: QModelIndex,
                        _roles: object = None) -> None:
        self.followed.follow(self.takes.takes_in_rows(top_left.parent(), top_left.row(),
                                                      bottom_right.row()))

    def poll(self) -> None:
        """Asks the service about a batch of the followed takes, in one worker."""
        backend = self.requests.backend
        if self._asking or backend is None or not len(self.followed):
            return
        self._asking = True
        self.requests.run(fetch_states, backend, self.followed.next_ids(self.batch),
                          on_result=self._on_fetched, on_error=self._on_fetch_failed)

    def _on_fetch_failed(self, _exc: BaseException) -> None:
        self._asking = False  # the connection was told; the next tick asks again

    def _on_fetched(self, fetched: Fetched) -> None:
        self._asking = False
        self.followed.forget(fetched.gone)
        for fresh in fetched.fresh:
            shown = self.takes.take(fresh.id)
            if shown is not None and shown != fresh:  # shown and changed: its row moves on
                self.takes.upsert(fresh)
            final = self.followed.settle(fresh)
            if final is None:
                continue
            if final.state == "done":
                self.finished.emit(final)
            elif final.state == "error":
                self.failed.emit(final)
