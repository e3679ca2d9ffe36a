"""Operations on WORLD spectral envelopes: formant warp, tilt, fixed resonances, long-term shape."""

from __future__ import annotations

import numpy as np

# Long-term envelopes (clones) are kept on this grid: 0..8 kHz, every 31.25 Hz.
LTAS_GRID_HZ = np.linspace(0.0, 8_000.0, 257)
_WARP_SEARCH = np.exp(np.linspace(np.log(0.6), np.log(1.7), 221))


def bin_frequencies_hz(bin_count: int, rate_hz: int) -> np.ndarray:
    return np.linspace(0.0, rate_hz / 2.0, bin_count)


def warp(envelope: np.ndarray, scale: float) -> np.ndarray:
    """Move every formant by `scale` along frequency (vocal tract length), sp'(f) = sp(f / scale).

    Bins that would come from beyond Nyquist repeat the top bin. Interpolated linearly in power:
    at 20-30 Hz per bin the envelope is smooth enough that log-domain interpolation changes
    nothing audible, and it saves a log and an exp over every bin of every frame.
    """
    if abs(scale - 1.0) < 1e-6:
        return envelope
    bins = envelope.shape[-1]
    pos = np.clip(np.arange(bins) / scale, 0.0, bins - 1.0)
    lo = np.minimum(pos.astype(int), bins - 2)
    frac = pos - lo
    out = envelope[..., lo] * (1.0 - frac)
    out += envelope[..., lo + 1] * frac
    return np.asarray(out)


def warp_varying(envelope: np.ndarray, scales: np.ndarray, levels: int = 15) -> np.ndarray:
    """Warp frame by frame with a time-varying scale (quantised so each level is one warp)."""
    lo, hi = float(scales.min()), float(scales.max())
    if hi - lo < 1e-6:
        return warp(envelope, lo)
    grid = np.linspace(lo, hi, levels)
    index = np.abs(scales[:, None] - grid[None, :]).argmin(axis=1)
    out = np.empty_like(envelope)
    for level in np.unique(index):
        rows = index == level
        out[rows] = warp(envelope[rows], float(grid[level]))
    return out


def tilt_gain(bin_freqs_hz: np.ndarray, db_per_octave: float) -> np.ndarray:
    """Power gain per bin for a tilt pivoting at 1 kHz (flat below 100 Hz)."""
    octaves = np.log2(np.maximum(bin_freqs_hz, 100.0) / 1_000.0)
    return np.asarray(10.0 ** (db_per_octave * octaves / 10.0))


def comb_gain(bin_freqs_hz: np.ndarray, spacing_hz: float, depth: float) -> np.ndarray:
    """Power gain of fixed resonances every `spacing_hz` (a metallic or hollow tube)."""
    amplitude = 1.0 + depth * np.cos(2.0 * np.pi * bin_freqs_hz / spacing_hz)
    return np.asarray(np.maximum(amplitude, 0.05) ** 2)


def long_term_envelope_db(envelope: np.ndarray, f0_hz: np.ndarray, rate_hz: int) -> np.ndarray:
    """Mean log envelope of the voiced frames on LTAS_GRID_HZ, level-normalised (mean 0 dB)."""
    rows = envelope[f0_hz > 0.0] if np.any(f0_hz > 0.0) else envelope
    mean_db = 10.0 * np.log10(np.maximum(rows, 1e-30)).mean(axis=0)
    freqs = bin_frequencies_hz(envelope.shape[1], rate_hz)
    on_grid = np.interp(LTAS_GRID_HZ, freqs, mean_db)
    return np.asarray(on_grid - on_grid.mean())


def warp_db_curve(curve_db: np.ndarray, scale: float) -> np.ndarray:
    """A long-term envelope on LTAS_GRID_HZ with its formants moved by `scale`."""
    return np.asarray(np.interp(LTAS_GRID_HZ / scale, LTAS_GRID_HZ, curve_db))


def best_warp(source_db: np.ndarray, target_db: np.ndarray) -> float:
    """The formant scale that best lays the source's long-term envelope onto the target's.

    Compared over 250 Hz .. 5 kHz, where formants of every voice live, by correlation so level
    and broad tilt (handled separately) do not decide it.
    """
    band = (LTAS_GRID_HZ >= 250.0) & (LTAS_GRID_HZ <= 5_000.0)
    target = _detrend(target_db[band], LTAS_GRID_HZ[band])
    scores = []
    for scale in _WARP_SEARCH:
        moved = _detrend(warp_db_curve(source_db, float(scale))[band], LTAS_GRID_HZ[band])
        scores.append(
            float(np.dot(moved, target) / (np.linalg.norm(moved) * np.linalg.norm(target) + 1e-12))
        )
    return float(_WARP_SEARCH[int(np.argmax(scores))])


def _detrend(curve_db: np.ndarray, freqs_hz: np.ndarray) -> np.ndarray:
    x = np.log2(freqs_hz)
    slope, intercept = np.polyfit(x, curve_db, 1)
    return np.asarray(curve_db - (slope * x + intercept))


def matching_gain(
    residual_db: np.ndarray, bin_freqs_hz: np.ndarray, limit_db: float = 9.0
) -> np.ndarray:
    """Power gain per bin of a smooth EQ that removes `residual_db` (given on LTAS_GRID_HZ)."""
    kernel = np.hanning(9)
    smooth = np.convolve(residual_db, kernel / kernel.sum(), mode="same")
    smooth = np.clip(smooth, -limit_db, limit_db)
    # Above the grid (8 kHz) the correction fades out rather than extrapolating.
    gain_db = np.interp(bin_freqs_hz, LTAS_GRID_HZ, smooth, right=0.0)
    return np.asarray(10.0 ** (gain_db / 10.0))
