"""Places orders and retries, makes TTS originals; new conversions join the takes list, where
the window's conversion watcher follows their progress."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.models.takes import TakesModel
from voxbooth.studio.orders.panel import OrderKey, OrderPanel
from voxbooth.studio.service import orders as service
from voxbooth.studio.service import voices as voices_service
from voxbooth.studio.service.backend import new_key
from voxbooth.studio.service.errors import user_message
from voxbooth.studio.service.requests import Requests

if TYPE_CHECKING:
    from voxbooth.studio.orders.tts_dialog import TtsDialog


def order_key(original_ids: list[str], conversions: list[dict[str, Any]] | list[str]
              ) -> OrderKey:
    """The selection an order is of: its originals and voices."""
    voices = [c if isinstance(c, str) else str(c["voice_id"]) for c in conversions]
    return tuple(original_ids), tuple(voices)


def intent_of(original_ids: list[str], conversions: list[dict[str, Any]] | list[str]) -> str:
    """Exactly this order (originals, voices and every per-voice setting), as text."""
    return json.dumps([original_ids, conversions], sort_keys=True)


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
        #: an idempotency key per order not yet made, by `intent_of`: the same order sent
        #: again after a failure (or a lost answer) goes with the same key, so the service
        #: makes each conversion once; an order that was made forgets its key, and ordering
        #: it once more on purpose makes new conversions
        self.keys: dict[str, str] = {}
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

    def submit(self, original_ids: list[str], conversions: list[dict[str, Any]] | list[str]
               ) -> None:
        """Orders each original in each voice, once: while an order of these originals and
        voices is on its way, another (a double click, Convert pressed twice) is not sent."""
        backend = self.requests.backend
        key = order_key(original_ids, conversions)
        if key in self.panel.placing:
            return
        if backend is None:
            text = "The service is not reachable; the order was not placed"
            self.panel.order_answered(key, text)
            self.message.emit(text)
            return
        clean_first = self.panel.clean_first.isChecked()  # another order than without it
        intent = intent_of(original_ids, conversions) + (" cleaned first" if clean_first else "")
        idempotency_key = self.keys.setdefault(intent, new_key())
        self.panel.order_sent(key)
        self.requests.run(service.place_orders, backend, original_ids, conversions,
                          idempotency_key=idempotency_key, noise_reduction=clean_first,
                          on_result=partial(self._ordered, key, intent),
                          on_error=partial(self._not_ordered, key))

    def _ordered(self, key: OrderKey, intent: str, conversions: list[TakeInfo]) -> None:
        self.keys.pop(intent, None)
        self._show(conversions)
        text = (f"Ordered {len(conversions)} conversion(s); they appear under their "
                "originals as they progress")
        self.panel.order_answered(key, text)
        self.message.emit(text)
        self.ordered.emit(conversions)
        self.refresh_balance()

    def _not_ordered(self, key: OrderKey, exc: BaseException) -> None:
        """The reason is said beside Convert (the window's status line says it too)."""
        self.panel.order_answered(key, f"Not ordered: {user_message(exc)}")
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
