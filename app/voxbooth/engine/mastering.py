"""Mastering: loudness of the conversion matched to the original, no sample beyond full scale."""

from __future__ import annotations

import numpy as np
import pyloudnorm
from scipy.ndimage import minimum_filter1d, uniform_filter1d

CEILING = 0.98  # peak ceiling (linear); a little headroom for lossy re-encoding later
_LIMITER_WINDOW_S = 0.01


def loudness_lufs(samples: np.ndarray, rate_hz: int) -> float | None:
    """Integrated loudness (ITU-R BS.1770), or None when too short or silent to gate."""
    if samples.shape[0] < int(0.4 * rate_hz) + 1:
        return None
    with np.errstate(divide="ignore"):
        value = float(pyloudnorm.Meter(rate_hz).integrated_loudness(samples.astype(np.float64)))
    return value if np.isfinite(value) else None


def _rms_db(samples: np.ndarray) -> float:
    return float(10.0 * np.log10(np.mean(samples.astype(np.float64) ** 2) + 1e-20))


def match_gain(original: np.ndarray, converted: np.ndarray, rate_hz: int) -> float:
    """The linear gain that gives `converted` the loudness of `original`."""
    want, have = loudness_lufs(original, rate_hz), loudness_lufs(converted, rate_hz)
    if want is None or have is None:  # too short to gate: fall back on plain RMS
        want, have = _rms_db(original), _rms_db(converted)
    return float(10.0 ** ((want - have) / 20.0))


def limit(samples: np.ndarray, rate_hz: int, ceiling: float = CEILING) -> np.ndarray:
    """A look-ahead peak limiter: only the few ms around a peak are turned down.

    The gain needed per sample is spread to a window by a minimum filter, then smoothed by a
    moving average of the same width; the average of values that are all at most the needed gain
    never exceeds it, so no sample passes the ceiling and the gain has no clicks.
    """
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    if peak <= ceiling:
        return samples
    window = max(int(_LIMITER_WINDOW_S * rate_hz) | 1, 3)
    needed = np.minimum(1.0, ceiling / np.maximum(np.abs(samples), 1e-12))
    gain = uniform_filter1d(
        minimum_filter1d(needed, window, mode="nearest"), window, mode="nearest"
    )
    return np.asarray(np.clip(samples * gain, -ceiling, ceiling))


def master(original: np.ndarray, converted: np.ndarray, rate_hz: int) -> np.ndarray:
    """Converted audio at the original's loudness, limited below full scale, as float32."""
    gained = converted * match_gain(original, converted, rate_hz)
    return limit(gained, rate_hz).astype(np.float32)
