"""The f0 histogram of a calibration reading, in semitone bins (Qt-free).

As the service's calibration does, only the pitch heard inside speech counts where the voice
activity detector is installed (`speech_only`): a hum or a tone is voiced but is not speech, and
the wizard must not promise a calibration the service then refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import gcd
from pathlib import Path

import numpy as np
import numpy.typing as npt

from voxbooth.dsp import voice_activity
from voxbooth.dsp.pitch import hz_to_note_name


@dataclass(frozen=True)
class F0Histogram:
    """`min_voiced_s`: the voiced speech the service's calibration needs (its rule, asked of
    it: `GET /api/limits`); below it the reading cannot make a calibration."""

    edges_midi: npt.NDArray[np.float64]  # bin edges, semitones (MIDI numbers)
    counts: npt.NDArray[np.int64]
    median_hz: float
    voiced_s: float
    min_voiced_s: float

    @property
    def usable(self) -> bool:
        return bool(np.isfinite(self.median_hz)) and self.voiced_s >= self.min_voiced_s

    def describe(self) -> str:
        if not np.isfinite(self.median_hz):
            return "No pitch was heard: is the right microphone selected?"
        text = (f"Your speaking pitch: {self.median_hz:.0f} Hz "
                f"({hz_to_note_name(self.median_hz, with_cents=True)}), "
                f"{self.voiced_s:.1f} s of voiced speech")
        if not self.usable:
            text += (f" — read on: at least {self.min_voiced_s:.0f} s of voiced speech are "
                     "needed")
        return text


def f0_histogram(f0_hz: npt.NDArray[np.float64], min_voiced_s: float,
                 hop_s: float = 0.01) -> F0Histogram:
    voiced = f0_hz[np.isfinite(f0_hz) & (f0_hz > 0)]
    if voiced.size == 0:
        return F0Histogram(np.arange(36.0, 85.0), np.zeros(48, dtype=np.int64), float("nan"),
                           0.0, min_voiced_s)
    midi = 69.0 + 12.0 * np.log2(voiced / 440.0)
    low, high = np.floor(midi.min()) - 0.5, np.ceil(midi.max()) + 0.5
    edges = np.arange(low, high + 1.0, 1.0)
    counts, _ = np.histogram(midi, bins=edges)
    return F0Histogram(edges, counts.astype(np.int64), float(np.median(voiced)),
                       voiced.size * hop_s, min_voiced_s)


def speech_only(f0_hz: npt.NDArray[np.float64], hop_s: float,
                reading: Path) -> npt.NDArray[np.float64]:
    """The live track's frames (frame i at `i * hop_s` into the `reading`'s file) with those
    outside the speech the VAD hears in the file set unvoiced (NaN). Blocking: a worker's."""
    import soundfile as sf
    from scipy.signal import resample_poly

    samples, rate_hz = sf.read(reading, dtype="float32", always_2d=True)
    mono = samples.mean(axis=1)
    if rate_hz != voice_activity.RATE_HZ:
        g = gcd(int(rate_hz), voice_activity.RATE_HZ)
        mono = resample_poly(mono, voice_activity.RATE_HZ // g, int(rate_hz) // g)
    heard = voice_activity.segments_from_probabilities(voice_activity.probabilities_16k(mono))
    inside = voice_activity.in_speech(heard, np.arange(f0_hz.size) * hop_s)
    return np.where(inside, f0_hz, np.nan)
