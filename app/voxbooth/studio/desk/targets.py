"""What the f0 trace shows besides the live pitch: the artist's f0 and the target voice's band,
and the semitone shift that lands one on the other (the service's pitch contract, seed 002)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from voxbooth.dsp.pitch import hz_to_note_name

BAND_SEMITONES = 2.0  # the band drawn around a voice's pitch: where its speech mostly lies


def semitones_between(from_hz: float, to_hz: float) -> float:
    return 12.0 * math.log2(to_hz / from_hz)


@dataclass(frozen=True)
class PitchTarget:
    voice_name: str
    voice_f0_hz: float
    speaker_f0_hz: float | None  # calibrated (or measured) speaking pitch, None when unknown
    speaker_source: str = "calibration"  # "calibration" or "this session"
    semitones_correction: float = 0.0  # the artist's saved correction for this voice

    @property
    def band_hz(self) -> tuple[float, float]:
        factor = 2.0 ** (BAND_SEMITONES / 12.0)
        return self.voice_f0_hz / factor, self.voice_f0_hz * factor

    @property
    def shift_semitones(self) -> float | None:
        """How far the service moves the artist's voice for this voice, correction included."""
        if not self.speaker_f0_hz:
            return None
        return semitones_between(self.speaker_f0_hz, self.voice_f0_hz) + self.semitones_correction

    def describe(self) -> str:
        voice = f"{self.voice_name} around {self.voice_f0_hz:.0f} Hz " \
                f"({hz_to_note_name(self.voice_f0_hz)})"
        shift = self.shift_semitones
        if shift is None or self.speaker_f0_hz is None:
            return f"{voice}: calibrate to see the shift"
        extra = f", your correction {self.semitones_correction:+.1f} st" \
            if self.semitones_correction else ""
        return (f"{voice}: your {self.speaker_f0_hz:.0f} Hz ({self.speaker_source}) moves "
                f"{shift:+.1f} st{extra}")
