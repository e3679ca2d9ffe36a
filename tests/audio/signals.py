"""Known signals to play into the virtual microphone, and how to compare what came back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile as sf
from scipy.signal import correlate, resample_poly

RATE_HZ = 48000
Array = npt.NDArray[np.float64]


def tone(f0_hz: float, seconds: float, amplitude: float = 0.5, rate_hz: int = RATE_HZ) -> Array:
    t = np.arange(int(seconds * rate_hz)) / rate_hz
    return amplitude * np.sin(2 * np.pi * f0_hz * t)


def speech_at(path: Path, rate_hz: int = RATE_HZ) -> Array:
    """The real recording, resampled to `rate_hz` and brought to a healthy level."""
    samples, source_rate = sf.read(path, dtype="float64")
    resampled = resample_poly(samples, rate_hz, source_rate)
    return 0.7 * resampled / np.max(np.abs(resampled))


def align(recorded: Array, played: Array) -> tuple[int, float]:
    """Where `played` starts in `recorded`, and their normalised cross-correlation there.

    Also works when the recording holds only part of what was played: the lag may be negative.
    """
    corr = correlate(recorded, played, mode="full", method="fft")
    lag = int(np.argmax(corr)) - (played.size - 1)
    rec_start, play_start = max(lag, 0), max(-lag, 0)
    n = min(recorded.size - rec_start, played.size - play_start)
    a = recorded[rec_start:rec_start + n]
    b = played[play_start:play_start + n]
    ncc = float(np.dot(a, b) / np.sqrt(np.dot(a, a) * np.dot(b, b)))
    return lag, ncc
