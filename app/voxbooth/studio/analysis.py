"""What the waveform view draws for a take: min/max peaks, an f0 curve, and its loudness.

Plain numpy functions (no Qt), run in a worker. The studio prefers the dsp layer's pitch tracker
when it is installed and falls back on WORLD's DIO + StoneMask, which is fast enough for a view.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from voxbooth.audio.playback import loudness_lufs
from voxbooth.dsp.pitch import track_pitch

PEAK_BUCKETS = 8000  # min/max pairs kept for display; pyqtgraph peak-downsamples further


@dataclass(frozen=True)
class TakeAudio:
    samples: np.ndarray  # float32 mono
    rate_hz: int
    peak_times_s: np.ndarray  # interleaved min/max: two points per bucket
    peak_values: np.ndarray
    f0_times_s: np.ndarray
    f0_hz: np.ndarray  # NaN where unvoiced: drawn as gaps
    loudness_db: float

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.rate_hz if self.rate_hz else 0.0


def read_mono(path: Path) -> tuple[np.ndarray, int]:
    data, rate_hz = sf.read(str(path), dtype="float32", always_2d=True)
    return np.ascontiguousarray(data.mean(axis=1), dtype=np.float32), int(rate_hz)


def min_max_peaks(samples: np.ndarray, rate_hz: int,
                  buckets: int = PEAK_BUCKETS) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved (min, max) per bucket with their times in seconds; short takes are returned
    sample by sample."""
    n = len(samples)
    if n == 0:
        return np.zeros(0), np.zeros(0)
    if n <= 2 * buckets:
        return np.arange(n) / rate_hz, samples.astype(np.float64)
    size = n // buckets
    trimmed = samples[: size * buckets].reshape(buckets, size)
    values = np.empty(2 * buckets)
    values[0::2] = trimmed.min(axis=1)
    values[1::2] = trimmed.max(axis=1)
    starts = np.arange(buckets) * size
    times = np.empty(2 * buckets)
    times[0::2] = starts / rate_hz
    times[1::2] = (starts + size / 2) / rate_hz
    return times, values


def f0_track(samples: np.ndarray, rate_hz: int) -> tuple[np.ndarray, np.ndarray]:
    """f0 in Hz every 10 ms, NaN where unvoiced: the tracker the recording desk uses too."""
    if len(samples) < rate_hz * 0.05:
        return np.zeros(0), np.zeros(0)
    frames = track_pitch(samples, rate_hz)
    return np.asarray(frames.times_s, dtype=float), np.asarray(frames.f0_hz, dtype=float)


def analyse_take(path: Path) -> TakeAudio:
    samples, rate_hz = read_mono(path)
    peak_t, peak_v = min_max_peaks(samples, rate_hz)
    f0_t, f0 = f0_track(samples, rate_hz)
    return TakeAudio(samples, rate_hz, peak_t, peak_v, f0_t, f0, loudness_lufs(samples, rate_hz))


def warm_analysis() -> None:
    """Background thread, once the studio is usable: imports what analysing a take needs
    beyond numpy (pyloudnorm, and scipy.signal through it and the resampler: 1 to 9 s on a
    busy machine), so the first audition does not wait for it."""
    import pyloudnorm  # noqa: F401
    import scipy.signal  # noqa: F401
