"""Follows new private voices while the service makes them from their samples, and says when one
is ready (the library then reloads, so it appears) or failed (with the service's reason).

Processing can take minutes (it waits behind conversions), so a single reload after the upload
is not enough. The service has no push channel: a GUI timer asks every few seconds, each question
one short GET in a worker, so the GUI thread never waits and no pool thread is held meanwhile.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal

from voxbooth.studio.service import voices as service
from voxbooth.studio.service.requests import Requests
from voxbooth.studio.service.voices import PrivateVoiceState

POLL_INTERVAL_MS = 3000


class PrivateVoiceWatch(QObject):
    ready = Signal(str)  # voice id: the service lists it with the other voices now
    failed = Signal(str, str)  # voice id, the service's reason
    message = Signal(str)

    def __init__(self, requests: Requests, parent: QObject | None = None,
                 interval_ms: int = POLL_INTERVAL_MS) -> None:
        super().__init__(parent)
        self.requests = requests
        self.names: dict[str, str] = {}  # voice id -> its name, while it is followed
        self._asking: set[str] = set()  # one question at a time per voice
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)

    @property
    def following(self) -> list[str]:
        return list(self.names)

    def follow(self, voice_id: str, name: str = "") -> None:
        self.names[voice_id] = name or self.names.get(voice_id, "")
        if not self.timer.isActive():
            self.timer.start()

    def follow_unfinished(self) -> None:
        """Once the service answers (again): voices still being processed, e.g. after a
        restart, are followed too."""
        backend = self.requests.backend
        if backend is not None:
            self.requests.run(service.unfinished_private_voices, backend,
                              on_result=self._follow_all, on_error=lambda _exc: None)

    def _follow_all(self, states: list[PrivateVoiceState]) -> None:
        for state in states:
            self.follow(state.voice_id, state.name)

    def poll(self) -> None:
        """GUI thread, on the timer: asks for each followed voice not already being asked."""
        backend = self.requests.backend
        if backend is None:  # the service is away: the next tick asks again
            return
        for voice_id in list(self.names):
            if voice_id in self._asking:
                continue
            self._asking.add(voice_id)
            self.requests.run(service.private_voice_state, backend, voice_id,
                              on_result=self._on_state,
                              on_error=partial(self._on_error, voice_id))

    def _on_state(self, state: PrivateVoiceState) -> None:
        voice_id = state.voice_id
        self._asking.discard(voice_id)
        if voice_id not in self.names:
            return
        name = state.name or self.names[voice_id]
        if state.state == "ready":
            self._forget(voice_id)
            self.message.emit(f"Voice “{name}” is ready: it is in the voice library")
            self.ready.emit(voice_id)
        elif state.state == "failed":
            self._forget(voice_id)
            reason = state.reason or "the service gave no reason"
            self.message.emit(f"Voice “{name}” could not be made from its samples: {reason}")
            self.failed.emit(voice_id, reason)
        elif not state.samples:  # no sample to process: it stays as it is
            self._forget(voice_id)

    def _on_error(self, voice_id: str, exc: BaseException) -> None:
        self._asking.discard(voice_id)
        if getattr(exc, "status", None) == 404:  # deleted meanwhile (elsewhere)
            self._forget(voice_id)
        # otherwise (the service away, a passing error) the next tick asks again

    def _forget(self, voice_id: str) -> None:
        self.names.pop(voice_id, None)
        if not self.names:
            self.timer.stop()
