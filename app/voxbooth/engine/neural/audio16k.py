"""Mono float32 at 16 kHz, the rate every speech model here was trained on."""

from __future__ import annotations

from math import gcd

import numpy as np

RATE_HZ = 16_000


def to_16k(samples: np.ndarray, rate_hz: int) -> np.ndarray:
    """`samples` (frames, or frames x channels) as mono float32 at 16 kHz."""
    from scipy.signal import resample_poly

    mono = np.asarray(samples, dtype=np.float32)
    if mono.ndim == 2:
        mono = mono.mean(axis=1)
    if rate_hz == RATE_HZ:
        return np.ascontiguousarray(mono)
    g = gcd(int(rate_hz), RATE_HZ)
    return resample_poly(mono, RATE_HZ // g, int(rate_hz) // g).astype(np.float32)
