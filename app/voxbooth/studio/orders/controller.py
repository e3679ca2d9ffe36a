"""Places orders and retries, makes TTS originals; new conversions join the takes list, where
the window's conversion watcher follows their progress."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.models.takes import TakesModel
from voxbooth.studio.orders.panel import OrderPanel
from voxbooth.studio.service import orders as service
from voxbooth.studio.service import voices as voices_service
from voxbooth.studio.service.requests import Requests

if TYPE_CHECKING:
    from voxbooth.studio.orders.tts_dialog import TtsDialog


class OrderController(QObject):
    ordered = Signal(list)  # [TakeInfo]: the new conversions
    message = Signal(str)

    def __init__(self, requests: Requests, takes: TakesModel, panel: OrderPanel,
                 current_folder: Callable[[], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.requests = requests
        self.takes = takes
        self.panel = panel
        self.current_folder = current_folder
        panel.submit_requested.connect(self.submit)
        panel.retry_requested.connect(self.retry)
        panel.quote_wanted.connect(self.price)

    def price(self, original_ids: list[str], voice_ids: list[str]) -> None:
        """Asks the service what the order would cost (the rule that charges it)."""
        backend = self.requests.backend
        if backend is None:
            self.panel.asked = None  # asked again once the service is there
            return
        key = (tuple(original_ids), tuple(voice_ids))
        self.requests.run(backend.quote, original_ids, voice_ids,
                          on_result=lambda credits: self.panel.set_quote(key, int(credits)),
                          on_error=lambda _exc: setattr(self.panel, "asked", None))

    def refresh_balance(self) -> None:
        """The balance, and the price of what is selected (asked again after a reconnection)."""
        backend = self.requests.backend
        if backend is not None:
            self.requests.run(voices_service.credits_left, backend,
                              on_result=self.panel.set_balance, on_error=lambda _e: None)

    def submit(self, original_ids: list[str], conversions: list[dict[str, Any]]) -> None:
        backend = self.requests.backend
        if backend is None:
            self.message.emit("The service is not reachable; the order was not placed")
            return
        self.panel.submit.setEnabled(False)
        self.requests.run(service.place_orders, backend, original_ids, conversions,
                          noise_reduction=self.panel.clean_first.isChecked(),
                          on_result=self._ordered,
                          on_error=lambda _e: self.panel.submit.setEnabled(True))

    def _ordered(self, conversions: list[TakeInfo]) -> None:
        self._show(conversions)
        self.panel.submit.setEnabled(True)
        self.message.emit(f"Ordered {len(conversions)} conversion(s); they appear under their "
                          "originals as they progress")
        self.ordered.emit(conversions)
        self.refresh_balance()

    def retry(self, take_ids: list[str]) -> None:
        backend = self.requests.backend
        if backend is not None and take_ids:
            self.requests.run(service.retry, backend, take_ids, on_result=self._show)

    def _show(self, conversions: list[TakeInfo]) -> None:
        for take in conversions:
            if take.original_id and self.takes.take(take.original_id) is not None:
                self.takes.upsert(take)

    def make_tts(self, text: str, language: str | None, label: str | None,
                 voice_id: str | None = None) -> None:
        backend = self.requests.backend
        folder = self.current_folder()
        if not text:
            return
        if backend is None or not folder:
            self.message.emit("Pick a folder first: the new original goes into it")
            return
        self.requests.run(service.make_tts, backend, folder, text, language, label, voice_id,
                          on_result=self._tts_made)

    def ask_tts_voices(self, dialog: TtsDialog) -> None:
        """Fills the dialog with the service's TTS voices, asked in a worker."""
        backend = self.requests.backend
        if backend is not None:
            self.requests.run(service.tts_voices, backend, on_result=dialog.set_voices,
                              on_error=lambda _exc: None)

    def _tts_made(self, take: TakeInfo) -> None:
        if take.folder_id in (None, self.current_folder()):
            self.takes.upsert(take)
        self.message.emit(f"Text to speech original “{take.label}” made; order it into voices")
