"""Operations on WORLD spectral envelopes: formant warp, tilt, fixed resonances, long-term shape."""

from __future__ import annotations

import numpy as np
from scipy.fft import dct

# Long-term envelopes (clones) are kept on this grid: 0..8 kHz, every 31.25 Hz.
LTAS_GRID_HZ = np.linspace(0.0, 8_000.0, 257)
_WARP_SEARCH = np.exp(np.linspace(np.log(0.6), np.log(1.7), 221))


def bin_frequencies_hz(bin_count: int, rate_hz: int) -> np.ndarray:
    return np.linspace(0.0, rate_hz / 2.0, bin_count)


def warp(
    envelope: np.ndarray, scale: float, *, bend: float = 0.0, nyquist_hz: float = 8_000.0
) -> np.ndarray:
    """Move every formant by `scale` along frequency (vocal tract length), sp'(f) = sp(f / scale).

    `bend` makes the scale depend on frequency, scale * (f / 1 kHz) ** bend: the upper formants
    move further (bend > 0) or less (bend < 0) than the first, as tracts differ in the shape
    of mouth and pharynx and not only in length. |bend| < 1 keeps the map monotonic.

    Bins that would come from beyond Nyquist repeat the top bin. Interpolated linearly in power:
    at 20-30 Hz per bin the envelope is smooth enough that log-domain interpolation changes
    nothing audible, and it saves a log and an exp over every bin of every frame.
    """
    if abs(scale - 1.0) < 1e-6 and abs(bend) < 1e-6:
        return envelope
    bins = envelope.shape[-1]
    index = np.arange(bins, dtype=np.float64)
    scales = np.full(bins, scale)
    if abs(bend) >= 1e-6:
        # bins are evenly spaced from 0 to Nyquist; below 100 Hz the scale is held
        bin_hz = nyquist_hz / max(bins - 1, 1)
        scales = scale * (np.maximum(index * bin_hz, 100.0) / 1_000.0) ** bend
    pos = np.clip(index / scales, 0.0, bins - 1.0)
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


def peak_gain(
    bin_freqs_hz: np.ndarray, peaks: tuple[tuple[float, float, float], ...]
) -> np.ndarray:
    """Power gain of resonances (gain_db > 0) and anti-resonances (< 0), each (hz, gain_db,
    width_hz) a Gaussian bump on a log-frequency axis: a voice's own nasal or presence colour."""
    log_f = np.log2(np.maximum(bin_freqs_hz, 20.0))
    gain_db = np.zeros_like(log_f)
    for hz, db, width_hz in peaks:
        width_oct = np.log2((hz + width_hz / 2.0) / max(hz - width_hz / 2.0, 10.0)) / 2.0
        gain_db += db * np.exp(-0.5 * ((log_f - np.log2(hz)) / max(width_oct, 1e-3)) ** 2)
    return np.asarray(10.0 ** (gain_db / 10.0))


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


def warp_db_curve(curve_db: np.ndarray, scale: float, bend: float = 0.0) -> np.ndarray:
    """A long-term envelope on LTAS_GRID_HZ with its formants moved as `warp` moves them."""
    scales = scale * (np.maximum(LTAS_GRID_HZ, 100.0) / 1_000.0) ** bend
    return np.asarray(np.interp(LTAS_GRID_HZ / scales, LTAS_GRID_HZ, curve_db))


def best_warp(source_db: np.ndarray, target_db: np.ndarray) -> float:
    """The formant scale that best lays the source's long-term envelope onto the target's.

    Compared over 250 Hz .. 5 kHz, where formants of every voice live, by correlation so level
    and broad tilt (handled separately) do not decide it. (Fitting a bend as well raised the
    long-term correlation but lowered the clone's speaker similarity, 0.48 -> 0.42: it is not
    fitted.)
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


def long_term_aperiodicity_db(aperiodicity: np.ndarray, f0_hz: np.ndarray,
                              rate_hz: int) -> np.ndarray:
    """Mean aperiodicity (dB) of the voiced frames on LTAS_GRID_HZ: how breathy a voice is."""
    rows = aperiodicity[f0_hz > 0.0] if np.any(f0_hz > 0.0) else aperiodicity
    mean_db = 10.0 * np.log10(np.clip(rows, 1e-6, 1.0)).mean(axis=0)
    freqs = bin_frequencies_hz(aperiodicity.shape[1], rate_hz)
    return np.asarray(np.interp(LTAS_GRID_HZ, freqs, mean_db))


def shift_aperiodicity(aperiodicity: np.ndarray, f0_hz: np.ndarray, rate_hz: int,
                       target_db: np.ndarray, limit_db: float = 12.0) -> np.ndarray:
    """Voiced frames' aperiodicity moved, band by band, so its long-term mean meets `target_db`
    (a clone's breathiness); unvoiced frames are noise already and stay as they are."""
    voiced = f0_hz > 0.0
    if not np.any(voiced):
        return aperiodicity
    freqs = bin_frequencies_hz(aperiodicity.shape[1], rate_hz)
    own = long_term_aperiodicity_db(aperiodicity, f0_hz, rate_hz)
    shift_db = np.clip(np.interp(freqs, LTAS_GRID_HZ, target_db - own), -limit_db, limit_db)
    out = aperiodicity.copy()
    out[voiced] = np.clip(aperiodicity[voiced] * 10.0 ** (shift_db / 10.0)[None, :], 1e-6, 1.0)
    return np.asarray(out)


# A clone's frames (its codebook) are kept as log envelopes on this grid, 48 points geometric
# from 100 Hz to 7 kHz; matched by their cepstrum (coefficients 1..19: shape, not level).
FRAME_GRID_HZ = np.geomspace(100.0, 7_000.0, 48)
_CEPSTRUM = slice(1, 20)
_BLOCK = 2_000


def frame_envelopes_db(envelope: np.ndarray, rate_hz: int) -> np.ndarray:
    """Each frame's log envelope (dB) on FRAME_GRID_HZ."""
    freqs = bin_frequencies_hz(envelope.shape[1], rate_hz)
    log_db = 10.0 * np.log10(np.maximum(envelope, 1e-30))
    index = np.interp(FRAME_GRID_HZ, freqs, np.arange(freqs.shape[0]))
    lo = np.minimum(index.astype(int), freqs.shape[0] - 2)
    frac = index - lo
    return np.asarray(log_db[:, lo] * (1.0 - frac) + log_db[:, lo + 1] * frac)


def _cepstra(frames_db: np.ndarray) -> np.ndarray:
    return np.asarray(dct(frames_db, type=2, norm="ortho", axis=1)[:, _CEPSTRUM])


def select_frames(envelope: np.ndarray, f0_hz: np.ndarray, rate_hz: int, codebook_db: np.ndarray,
                  k: int = 8, weight: float = 0.5) -> np.ndarray:
    """Voiced frames' envelopes moved toward the sampled speaker's own frames (a clone).

    Each voiced frame finds the `k` frames of the codebook whose shape (cepstrum, each side's
    mean removed, so the two speakers' long-term difference does not decide) is nearest, and
    its log envelope moves by `weight` toward their mean at the frame's own level: the vowel
    stays the one spoken, its detail becomes the speaker's. Measured on ARCTIC a0007 cloned
    into the natural TTS voice (similarity to it / to the source): weight 0 0.48/0.45, 0.5
    0.52/0.41, 0.65 0.54/0.37, 0.8 0.55/0.35, words all kept; but into espeak's female voice
    every weight from 0.55 up turned "always" into "all might" or "almost", hence 0.5.
    """
    voiced = f0_hz > 0.0
    if not np.any(voiced) or codebook_db.shape[0] < k:
        return envelope
    mine_db = frame_envelopes_db(envelope[voiced], rate_hz)
    book = _cepstra(codebook_db)
    book -= book.mean(axis=0)
    mine = _cepstra(mine_db)
    mine -= mine.mean(axis=0)
    book_norm = np.sum(book**2, axis=1)
    moved_db = np.empty_like(mine_db)
    for start in range(0, mine.shape[0], _BLOCK):
        part = mine[start:start + _BLOCK]
        distance = book_norm[None, :] - 2.0 * part @ book.T
        nearest = np.argpartition(distance, k - 1, axis=1)[:, :k]
        mean_db = codebook_db[nearest].mean(axis=1)
        own = mine_db[start:start + _BLOCK]
        mean_db += own.mean(axis=1, keepdims=True) - mean_db.mean(axis=1, keepdims=True)
        moved_db[start:start + _BLOCK] = weight * (mean_db - own)
    freqs = bin_frequencies_hz(envelope.shape[1], rate_hz)
    gain_db = np.stack([np.interp(freqs, FRAME_GRID_HZ, row) for row in moved_db])
    out = envelope.copy()
    out[voiced] = envelope[voiced] * 10.0 ** (gain_db / 10.0)
    return np.asarray(out)
