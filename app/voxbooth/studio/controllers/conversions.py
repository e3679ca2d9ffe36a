"""Conversions in progress refresh by themselves; a finished one is announced (no modal box)."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal

from voxbooth.studio.controllers.requests import Requests
from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.models.takes import TakesModel

POLL_INTERVAL_MS = 1000


class ConversionWatcher(QObject):
    finished = Signal(object)  # TakeInfo that just reached done
    failed = Signal(object)  # TakeInfo that just reached error

    def __init__(self, requests: Requests, takes: TakesModel, parent: QObject | None = None,
                 interval_ms: int = POLL_INTERVAL_MS) -> None:
        super().__init__(parent)
        self.requests = requests
        self.takes = takes
        self._in_flight: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def poll(self) -> None:
        """Asks for each busy take not already being asked about (one worker each)."""
        for take_id in self.takes.busy_ids():
            if take_id in self._in_flight:
                continue
            self._in_flight.add(take_id)
            self.requests.call("get_take", take_id, on_result=self._on_take,
                               on_error=partial(self._forget, take_id))

    def _forget(self, take_id: str, _exc: BaseException) -> None:
        self._in_flight.discard(take_id)

    def _on_take(self, fresh: TakeInfo) -> None:
        self._in_flight.discard(fresh.id)
        before = self.takes.take(fresh.id)
        if before is None:
            return
        self.takes.upsert(fresh)
        if before.is_busy and fresh.state == "done":
            self.finished.emit(fresh)
        elif before.is_busy and fresh.state == "error":
            self.failed.emit(fresh)
