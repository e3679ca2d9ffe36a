"""Voice activity on real speech: the silence a take is padded with is found, to the frame."""

from __future__ import annotations

import numpy as np
import pytest

from voxbooth.engine.neural import vad

TOLERANCE_S = 0.05


def _energy_bounds_s(samples: np.ndarray, rate_hz: int) -> tuple[float, float]:
    """An independent reference: the first and last 10 ms whose RMS is within 20 dB of the
    loudest (ARCTIC's room noise peaks 28 dB down)."""
    hop = rate_hz // 100
    frames = samples[: len(samples) // hop * hop].reshape(-1, hop)
    rms_db = 20 * np.log10(np.sqrt(np.mean(frames**2, axis=1)) + 1e-12)
    loud = np.flatnonzero(rms_db > rms_db.max() - 20.0)
    return loud[0] * hop / rate_hz, (loud[-1] + 1) * hop / rate_hz


@pytest.mark.parametrize(("lead_s", "trail_s"), [(1.0, 0.5), (0.37, 1.73), (2.5, 0.05)])
def test_padded_silence_is_found_within_50_ms(arctic: tuple[np.ndarray, int], lead_s: float,
                                              trail_s: float) -> None:
    samples, rate_hz = arctic
    rng = np.random.default_rng(7)

    def room(seconds: float) -> np.ndarray:  # a quiet room, -66 dBFS, not digital zero
        return rng.normal(0.0, 5e-4, round(seconds * rate_hz))

    take = np.concatenate([room(lead_s), samples, room(trail_s)])
    alone = vad.speech_bounds(samples, rate_hz)
    padded = vad.speech_bounds(take, rate_hz)
    assert alone is not None and padded is not None

    assert padded.start_s == pytest.approx(alone.start_s + lead_s, abs=TOLERANCE_S)
    assert len(take) / rate_hz - padded.end_s == pytest.approx(
        len(samples) / rate_hz - alone.end_s + trail_s, abs=TOLERANCE_S)
    # and the speech itself starts where its energy does (the end keeps the VAD's hang-over)
    energy_start_s, energy_end_s = _energy_bounds_s(samples, rate_hz)
    assert alone.start_s == pytest.approx(energy_start_s, abs=TOLERANCE_S)
    assert energy_end_s - TOLERANCE_S <= alone.end_s <= energy_end_s + 0.15


def test_noise_and_silence_are_not_speech() -> None:
    rng = np.random.default_rng(3)
    assert vad.speech_bounds(np.zeros(48_000), 48_000) is None
    assert vad.speech_bounds(rng.normal(0.0, 0.01, 48_000 * 2), 48_000) is None


def test_rate_does_not_move_the_bounds(arctic: tuple[np.ndarray, int]) -> None:
    from scipy.signal import resample_poly

    samples, rate_hz = arctic
    at_16k = vad.speech_bounds(samples, rate_hz)
    at_44k = vad.speech_bounds(resample_poly(samples, 441, 160), 44_100)
    assert at_16k is not None and at_44k is not None
    assert at_44k.start_s == pytest.approx(at_16k.start_s, abs=0.035)
    assert at_44k.end_s == pytest.approx(at_16k.end_s, abs=0.035)
    assert vad.voiced_seconds(samples, rate_hz) == pytest.approx(at_16k.end_s - at_16k.start_s,
                                                                 abs=0.5)
