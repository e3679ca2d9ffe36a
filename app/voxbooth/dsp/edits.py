"""Edits of a selection of a take, each making new samples (the take itself is never changed):
trim to the selection, fade in or out across it, normalise it.

Samples are frames first (mono, or frames x channels); times are seconds into the take, clamped
to it. Every function returns a new float32 array.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from voxbooth.dsp.levels import to_db

Audio = npt.NDArray[np.float32]

NORMALISE_PEAK_DBFS = -1.0  # headroom left by "normalise", as audio editors default to
SEAM_S = 0.005  # gain ramps at the seams of a normalised selection, so the change does not click


def frame_span(frames: int, rate_hz: int, start_s: float, end_s: float) -> tuple[int, int]:
    """The frames [start, end) of a selection, clamped to the take and ordered."""
    if rate_hz <= 0:
        raise ValueError(f"a sample rate must be positive, not {rate_hz} Hz")
    low, high = sorted((start_s, end_s))
    start = min(max(round(low * rate_hz), 0), frames)
    end = min(max(round(high * rate_hz), start), frames)
    return start, end


def _copy(samples: npt.ArrayLike) -> Audio:
    return np.array(samples, dtype=np.float32, copy=True)


def _shaped(ramp: npt.NDArray[np.float64], like: Audio) -> npt.NDArray[np.float64]:
    return ramp if like.ndim == 1 else ramp[:, None]


def trim(samples: npt.ArrayLike, rate_hz: int, start_s: float, end_s: float) -> Audio:
    """Only the selection: what lies before and after it is cut away."""
    data = _copy(samples)
    start, end = frame_span(data.shape[0], rate_hz, start_s, end_s)
    return data[start:end].copy()


def fade_in(samples: npt.ArrayLike, rate_hz: int, start_s: float, end_s: float) -> Audio:
    """Silence before the selection, a linear rise across it, the take unchanged after it."""
    data = _copy(samples)
    start, end = frame_span(data.shape[0], rate_hz, start_s, end_s)
    data[:start] = 0.0
    ramp = np.linspace(0.0, 1.0, end - start, endpoint=False)
    data[start:end] *= _shaped(ramp, data)
    return data


def fade_out(samples: npt.ArrayLike, rate_hz: int, start_s: float, end_s: float) -> Audio:
    """The take unchanged before the selection, a linear fall across it, silence after it."""
    data = _copy(samples)
    start, end = frame_span(data.shape[0], rate_hz, start_s, end_s)
    ramp = np.linspace(1.0, 0.0, end - start, endpoint=False)
    data[start:end] *= _shaped(ramp, data)
    data[end:] = 0.0
    return data


def normalise(samples: npt.ArrayLike, rate_hz: int, start_s: float, end_s: float,
              peak_dbfs: float = NORMALISE_PEAK_DBFS) -> Audio:
    """The selection scaled so its loudest sample reaches `peak_dbfs` (louder or quieter); the
    gain eases in and out over `SEAM_S` at its edges. A silent selection is left as it is."""
    if peak_dbfs > 0.0:
        raise ValueError(f"a peak above full scale ({peak_dbfs} dBFS) would clip")
    data = _copy(samples)
    start, end = frame_span(data.shape[0], rate_hz, start_s, end_s)
    region = data[start:end]
    peak = float(np.max(np.abs(region))) if region.size else 0.0
    if to_db(peak) <= -120.0:
        return data
    gain = 10 ** (peak_dbfs / 20.0) / peak
    envelope = np.full(end - start, gain)
    seam = min(int(SEAM_S * rate_hz), (end - start) // 2)
    # the seams ease towards the gain from both sides, so the first and last samples keep
    # the take's level only when the selection does not start or end the take
    if seam > 0:
        if start > 0:
            envelope[:seam] = np.linspace(1.0, gain, seam)
        if end < data.shape[0]:
            envelope[-seam:] = np.linspace(gain, 1.0, seam)
    data[start:end] = region * _shaped(envelope, data)
    return data
