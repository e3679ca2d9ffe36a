"""Calibration: the speaker's typical f0, measured from a reading of 10 s or more.

The f0 is the median of the loud voiced frames of WORLD's dio + stonemask on a 16 kHz copy (see
`world.py` for why that tracker and that gate); the bench and tests hold it within 2 % of Praat's
pitch median. Conversions estimate the speaker's f0 of an original the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voxbooth.engine import world
from voxbooth.engine.minimums import CALIBRATION_MIN_VOICED_S

ALGORITHM = "world-dio-stonemask"
MIN_VOICED_S = CALIBRATION_MIN_VOICED_S
_HISTOGRAM_EDGES_HZ = 55.0 * 2.0 ** (np.arange(0, 51) / 12.0)  # semitone bins, 55 .. 1047 Hz


class CalibrationError(ValueError):
    """The reading cannot calibrate; `reason` says why in words the user can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CalibrationResult:
    f0_hz: float
    algorithm: str
    voiced_s: float
    f0_histogram: list[
        tuple[float, int]
    ]  # (semitone bin centre in Hz, voiced frames), non-empty bins


def estimate_speaker_f0(
    samples: np.ndarray, rate_hz: int, *, min_voiced_s: float = MIN_VOICED_S
) -> CalibrationResult:
    """The speaker's median f0 over the voiced frames of a reading."""
    data = np.asarray(samples, dtype=np.float64)
    if data.ndim == 2:
        data = data.mean(axis=1)
    if data.size == 0 or not np.all(np.isfinite(data)) or float(np.max(np.abs(data))) < 1e-5:
        raise CalibrationError("no voiced speech found")
    x16 = world.to_analysis_rate(data, rate_hz)
    f0_hz, times_s = world.track_f0(x16)
    voiced = world.voiced(f0_hz)
    voiced_s = voiced.size * world.FRAME_PERIOD_MS / 1000.0
    if voiced_s < 1.0:  # a few stray frames in noise are not speech
        raise CalibrationError("no voiced speech found")
    if voiced_s < min_voiced_s:
        raise CalibrationError(f"only {voiced_s:.1f} s of voiced speech; read for at least 10 s")
    counts, edges = np.histogram(voiced, bins=_HISTOGRAM_EDGES_HZ)
    centres = np.sqrt(edges[:-1] * edges[1:])
    histogram = [(round(float(c), 1), int(n)) for c, n in zip(centres, counts, strict=True) if n]
    f0 = world.speaker_f0_hz(f0_hz, world.frame_levels_db(x16, times_s))
    return CalibrationResult(
        float(f0 or np.median(voiced)), ALGORITHM, round(voiced_s, 2), histogram
    )
