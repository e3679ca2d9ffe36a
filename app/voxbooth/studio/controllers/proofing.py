"""Proofing: each take's transcript, asked for right after its upload and whenever it is drawn,
followed while the service transcribes it, and handed to the waveform and to script mode.

One worker asks for every followed take per poll, never two at once; the GUI thread only
starts it and takes in the answers (`changed`).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

from voxbooth.studio.entities import Proof
from voxbooth.studio.service.requests import Requests
from voxbooth.studio.service.transcripts import FetchedProofs, fetch_proofs

POLL_INTERVAL_MS = 700
#: a transcript still queued after this long is left alone (asked again when the take is drawn)
FOLLOW_FOR_S = 600.0


class ProofWatcher(QObject):
    """GUI thread. `want(take_id)` asks for a take's transcript and follows it until final."""

    changed = Signal(str, object)  # take id, its Proof (new or changed)
    take_read = Signal(object)  # TakeInfo read again as its transcript ended (noise measured)

    def __init__(self, requests: Requests, parent: QObject | None = None,
                 interval_ms: int = POLL_INTERVAL_MS) -> None:
        super().__init__(parent)
        self.requests = requests
        self.proofs: dict[str, Proof] = {}
        self._following: dict[str, float] = {}  # take id -> until when (monotonic s)
        self._asking = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)

    def proof(self, take_id: str) -> Proof | None:
        return self.proofs.get(take_id)

    def want(self, take_id: str) -> None:
        """Asks now (unless a final transcript is known) and follows it until it is final."""
        known = self.proofs.get(take_id)
        if not take_id or (known is not None and not known.is_busy):
            return
        self._following[take_id] = time.monotonic() + FOLLOW_FOR_S
        if not self._timer.isActive():
            self._timer.start()
        self.poll()

    def stop(self) -> None:
        """The window closes: nothing more is asked (no answer outlives the window)."""
        self._following.clear()
        self._timer.stop()

    def forget(self, take_id: str) -> None:
        """The take was cleaned, re-recorded or deleted: its transcript is asked for again."""
        self.proofs.pop(take_id, None)
        self._following.pop(take_id, None)

    @property
    def following(self) -> list[str]:
        return list(self._following)

    def poll(self) -> None:
        now = time.monotonic()
        self._following = {i: until for i, until in self._following.items() if until > now}
        backend = self.requests.backend
        if not self._following:
            self._timer.stop()
            return
        if self._asking or backend is None:
            return
        self._asking = True
        self.requests.run(fetch_proofs, backend, list(self._following),
                          on_result=self._on_fetched, on_error=self._on_failed)

    def _on_failed(self, _exc: BaseException) -> None:
        self._asking = False  # the connection was told; the next tick asks again

    def _on_fetched(self, fetched: FetchedProofs) -> None:
        self._asking = False
        for take_id in fetched.gone:
            self._following.pop(take_id, None)
        for take in fetched.takes:
            self.take_read.emit(take)
        for proof in fetched.proofs:
            if not proof.is_busy:
                self._following.pop(proof.take_id, None)
            if self.proofs.get(proof.take_id) != proof:
                self.proofs[proof.take_id] = proof
                self.changed.emit(proof.take_id, proof)
        if not self._following:
            self._timer.stop()
