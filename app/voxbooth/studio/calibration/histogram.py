"""The f0 histogram of a calibration reading, in semitone bins (Qt-free)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

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
