"""What a listener would notice, measured independently of the engine (Praat, BS.1770)."""

from __future__ import annotations

import numpy as np
import parselmouth
import pyloudnorm
from scipy.signal import lfilter


def praat_f0_hz(
    samples: np.ndarray, rate_hz: int, floor_hz: float = 60.0, ceil_hz: float = 1100.0
) -> np.ndarray:
    """Praat's f0 track (voiced frames only)."""
    sound = parselmouth.Sound(np.asarray(samples, dtype=np.float64), rate_hz)
    pitch = sound.to_pitch(pitch_floor=floor_hz, pitch_ceiling=ceil_hz)
    f0 = pitch.selected_array["frequency"]
    return np.asarray(f0[f0 > 0.0])


def praat_median_hz(
    samples: np.ndarray, rate_hz: int, floor_hz: float = 60.0, ceil_hz: float = 1100.0
) -> float:
    return float(np.median(praat_f0_hz(samples, rate_hz, floor_hz, ceil_hz)))


def cents(measured_hz: float, expected_hz: float) -> float:
    return float(1200.0 * np.log2(measured_hz / expected_hz))


def loudness_lufs(samples: np.ndarray, rate_hz: int) -> float:
    return float(
        pyloudnorm.Meter(rate_hz).integrated_loudness(np.asarray(samples, dtype=np.float64))
    )


def praat_formants_hz(samples: np.ndarray, rate_hz: int, ceiling_hz: float) -> np.ndarray:
    """Median F1, F2, F3 over the voiced frames (Burg LPC)."""
    sound = parselmouth.Sound(np.asarray(samples, dtype=np.float64), rate_hz)
    formant = sound.to_formant_burg(max_number_of_formants=5, maximum_formant=ceiling_hz)
    pitch = sound.to_pitch()
    rows = []
    for t in formant.ts():
        f0 = pitch.get_value_at_time(t)
        if f0 and not np.isnan(f0):
            rows.append([formant.get_value_at_time(i, t) for i in (1, 2, 3)])
    return np.asarray(np.nanmedian(np.asarray(rows), axis=0))


def synthetic_speech(
    rate_hz: int = 16_000, f0_hz: float = 190.0, seconds: float = 3.0
) -> np.ndarray:
    """A source-filter "speaker": a glottal-like harmonic source with intonation, three vowels
    through formant resonators, and short pauses between them."""
    rng = np.random.default_rng(7)
    vowels = [(730, 1090, 2440), (270, 2290, 3010), (570, 840, 2410)]  # /a/ /i/ /u/-ish
    pieces = []
    seg = int(seconds * rate_hz / len(vowels))
    for i, formants in enumerate(vowels):
        t = np.arange(seg) / rate_hz
        contour = f0_hz * 2.0 ** ((2.0 * np.sin(2 * np.pi * 0.7 * t + i) - 1.0 * t) / 12.0)
        phase = 2 * np.pi * np.cumsum(contour) / rate_hz
        source = sum(np.sin(k * phase) / k for k in range(1, int(rate_hz / 2 / contour.max())))
        source = np.asarray(source) + 0.01 * rng.normal(size=seg)
        voiced = source
        for f_hz, bw_hz in zip(formants, (80, 100, 150), strict=True):
            r = np.exp(-np.pi * bw_hz / rate_hz)
            a = [1.0, -2 * r * np.cos(2 * np.pi * f_hz / rate_hz), r * r]
            voiced = lfilter([1.0 - r], a, voiced)
        envelope = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.05)
        pieces.append(voiced * envelope)
        pieces.append(np.zeros(int(0.25 * rate_hz)))
    signal = np.concatenate(pieces)
    return np.asarray(0.3 * signal / np.max(np.abs(signal)))


def praat_jitter_and_hnr(
    samples: np.ndarray, rate_hz: int, ceil_hz: float = 1100.0
) -> tuple[float, float]:
    """Local jitter (fraction) and mean harmonics-to-noise ratio (dB), as Praat's voice report."""
    from parselmouth.praat import call

    sound = parselmouth.Sound(np.asarray(samples, dtype=np.float64), rate_hz)
    points = call(sound, "To PointProcess (periodic, cc)", 60.0, ceil_hz)
    jitter = call(points, "Get jitter (local)", 0.0, 0.0, 0.0001, 0.02, 1.3)
    harmonicity = sound.to_harmonicity_cc(minimum_pitch=60.0)
    values = harmonicity.values[harmonicity.values > -200.0]
    return float(jitter), float(np.mean(values))


def long_term_envelope_db(samples: np.ndarray, rate_hz: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean log spectral envelope (WORLD dio + cheaptrick) of the voiced frames, 0..5 kHz."""
    import pyworld

    x = np.asarray(samples, dtype=np.float64)
    f0, times = pyworld.dio(x, rate_hz, f0_floor=60.0, f0_ceil=1100.0)
    f0 = pyworld.stonemask(x, f0, times, rate_hz)
    sp = pyworld.cheaptrick(x, f0, times, rate_hz)
    mean_db = 10.0 * np.log10(np.maximum(sp[f0 > 0], 1e-30)).mean(axis=0)
    freqs = np.linspace(0.0, rate_hz / 2.0, sp.shape[1])
    grid = np.linspace(0.0, 5_000.0, 201)
    return grid, np.interp(grid, freqs, mean_db)


def envelope_shift(before_db: np.ndarray, after_db: np.ndarray, grid_hz: np.ndarray) -> float:
    """The frequency scale that best maps the `before` envelope onto `after` (300 Hz..4 kHz)."""
    band = (grid_hz >= 300.0) & (grid_hz <= 4_000.0)

    def shape(curve: np.ndarray) -> np.ndarray:
        x = np.log2(grid_hz[band])
        fit = np.polyval(np.polyfit(x, curve[band], 1), x)
        return np.asarray(curve[band] - fit)

    target = shape(after_db)
    scales = np.exp(np.linspace(np.log(0.6), np.log(1.8), 241))
    scores = []
    for scale in scales:
        moved = shape(np.interp(grid_hz / scale, grid_hz, before_db))
        scores.append(float(np.corrcoef(moved, target)[0, 1]))
    return float(scales[int(np.argmax(scores))])
