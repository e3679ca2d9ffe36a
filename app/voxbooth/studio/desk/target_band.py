"""The target band on the desk's live pitch view: where the current voice's pitch lies for this
speaker (from the calibration, else from what the desk heard this session)."""

from __future__ import annotations

from collections.abc import Callable

from voxbooth.studio.desk.controller import DeskController
from voxbooth.studio.desk.live_view import LiveView
from voxbooth.studio.desk.targets import PitchTarget
from voxbooth.studio.entities import VoiceInfo


class TargetBand:
    def __init__(self, desk: DeskController, view: LiveView,
                 current_voice: Callable[[], VoiceInfo | None]) -> None:
        self.desk = desk
        self.view = view
        self.current_voice = current_voice
        self.speaker_f0_hz: float | None = None

    def show(self, voice: VoiceInfo | None) -> None:
        view = self.view
        if voice is None or not voice.pitch_hz:
            view.set_target(None)
            view.set_speaker_f0(self.speaker_f0_hz)
            return
        accent = voice.default_accent()
        speaker_hz, source = self.speaker_f0_hz, "calibration"
        analysis = self.desk.analysis
        if speaker_hz is None and analysis is not None:
            speaker_hz, source = analysis.session_f0_hz(), "heard this session"
        view.set_target(PitchTarget(voice.name, voice.pitch_hz, speaker_hz, source,
                                    accent.semitones_correction if accent else 0.0))

    def refresh(self) -> None:
        self.show(self.current_voice())

    def set_speaker_f0(self, f0_hz: float | None) -> None:
        self.speaker_f0_hz = f0_hz
        self.refresh()

    def follow_voice(self, voice: VoiceInfo) -> None:
        """A voice changed on the service: redrawn if it is the current one."""
        if voice == self.current_voice():
            self.show(voice)
