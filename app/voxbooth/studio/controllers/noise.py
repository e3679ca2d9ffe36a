"""Clean noise: a take cleaned of its background noise by the service, as a new take beside it
(the take itself is kept). The new take is `processing` until its audio is ready; the
conversion watcher follows it like any busy take and its row fills in by itself."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.models.takes import TakesModel
from voxbooth.studio.service.backend import new_key
from voxbooth.studio.service.requests import Requests
from voxbooth.studio.service.transcripts import clean_take


def cleanable(take: TakeInfo | None) -> bool:
    """Only a ready original can be cleaned (a conversion is made from a cleaned take)."""
    return take is not None and not take.is_conversion and take.state == "done"


class NoiseCleaning(QObject):
    cleaning = Signal(list)  # [TakeInfo]: the new takes, processing
    message = Signal(str)

    def __init__(self, requests: Requests, takes: TakesModel,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.requests = requests
        self.takes = takes

    def clean(self, take_ids: list[str]) -> None:
        """Each picked original cleaned into a new take, in a worker."""
        picked = [self.takes.take(i) for i in take_ids]
        originals = [t for t in picked if cleanable(t)]
        if not originals:
            self.message.emit("Pick a take (an original that is ready) to clean its noise")
            return
        backend = self.requests.backend
        if backend is None:
            self.message.emit("The service is not reachable; nothing was cleaned")
            return
        for take in originals:
            assert take is not None
            self.requests.run(clean_take, backend, take.id, new_key(), on_result=self._made)

    def _made(self, take: TakeInfo) -> None:
        if self.takes.take(take.cleaned_from) is not None:  # its folder is on screen
            self.takes.upsert(take)
        self.cleaning.emit([take])
        self.message.emit(f"Cleaning the noise into “{take.label}”; it appears beside the "
                          "take when it is ready")
