"""Takes go to the service one at a time from the persisted queue; retried while it is away.

Runs on the GUI thread; every upload is a worker (`Requests.run`) and the queue's file is written
by the store's own thread. A take that the service could not receive because it was unreachable
goes back to `waiting` and is tried again by the retry timer; a refusal (4xx) is kept as `failed`
with the service's words. The file is never deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from voxbooth.studio.controllers.requests import Requests
from voxbooth.studio.desk.queue_store import (
    FAILED,
    HELD,
    UPLOADING,
    WAITING,
    QueuedTake,
    QueueStore,
)
from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.errors import is_unreachable, user_message

RETRY_INTERVAL_MS = 2000


class TakeUploads(QObject):
    changed = Signal()  # the queue's entries changed (the desk shows a count)
    progress = Signal(str, int, int)  # take file name, bytes sent, total
    uploaded = Signal(object)  # TakeInfo: the take is on the service
    uploaded_file = Signal(str, str)  # take file path, its id on the service
    message = Signal(str)

    def __init__(self, requests: Requests, store: QueueStore,
                 current_folder: Callable[[], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.requests = requests
        self.store = store
        self.current_folder = current_folder
        self._busy = ""
        self.timer = QTimer(self)
        self.timer.setInterval(RETRY_INTERVAL_MS)
        self.timer.timeout.connect(self.try_next)
        self._early_folder = ""  # picked before the queue was read: its held takes go there

    def start(self) -> None:
        """Once the store has taken in the file's entries (the desk's recovery)."""
        for entry in self.store.in_state(UPLOADING):
            if entry.path != self._busy:  # cut off by a kill: send it again
                self.store.update(entry.path, state=WAITING)
        if self._early_folder:
            folder, self._early_folder = self._early_folder, ""
            self.adopt_held(folder)
        self.changed.emit()  # the queue read from the disk is shown
        self.timer.start()
        self.try_next()

    def stop(self) -> None:
        self.timer.stop()

    @property
    def waiting(self) -> list[QueuedTake]:
        return self.store.in_state(WAITING, UPLOADING)

    def enqueue(self, path: str) -> None:
        entry = self.store.get(path)
        if entry is None:
            return
        folder = entry.folder_id or self.current_folder()
        if not folder:
            self.store.update(path, state=HELD,
                              message="pick a folder: the take uploads into it")
        else:
            self.store.update(path, state=WAITING, folder_id=folder, message="")
        self.changed.emit()
        self.try_next()

    def adopt_held(self, folder_id: str) -> None:
        """A folder was picked: takes recorded with none go into it."""
        if not self.store.adopted:  # the queue's file is still being read
            self._early_folder = folder_id
        for entry in self.store.in_state(HELD):
            if not entry.folder_id and folder_id:
                self.store.update(entry.path, folder_id=folder_id, state=WAITING, message="")
        self.changed.emit()
        self.try_next()

    def try_next(self) -> None:
        backend = self.requests.backend
        if self._busy or backend is None:
            return
        entry = next(iter(self.store.in_state(WAITING)), None)
        if entry is None:
            return
        if not Path(entry.path).exists():
            self.store.update(entry.path, state=FAILED, message="the take file is gone")
            self.changed.emit()
            return
        self._busy = entry.path
        self.store.update(entry.path, state=UPLOADING, attempts=entry.attempts + 1)
        self.changed.emit()
        self.requests.run(backend.upload, Path(entry.path), entry.folder_id, label=entry.label,
                          on_result=partial(self._done, entry.path),
                          on_error=partial(self._failed, entry.path),
                          on_progress=partial(self.progress.emit, entry.name))

    def _done(self, path: str, take: TakeInfo) -> None:
        self._busy = ""
        self.store.remove(path)
        self.changed.emit()
        self.uploaded.emit(take)
        self.uploaded_file.emit(path, take.id)
        self.try_next()

    def _failed(self, path: str, exc: BaseException) -> None:
        self._busy = ""
        if is_unreachable(exc):
            self.store.update(path, state=WAITING,
                              message="the service is unreachable; it uploads when it is back")
        else:
            reason = user_message(exc)
            self.store.update(path, state=FAILED, message=reason)
            self.message.emit(f"Take {Path(path).name} was not uploaded: {reason}")
        self.changed.emit()
