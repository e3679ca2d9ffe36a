"""Calibration: the speaker's f0 as Praat would say it, or a reason the user can act on."""

from __future__ import annotations

import numpy as np
import pytest

from voxbooth.engine.calibrate import CalibrationError, estimate_speaker_f0

from .measure import praat_median_hz, synthetic_speech


def test_a_real_reading_agrees_with_praat(arctic: tuple[np.ndarray, int]) -> None:
    samples, rate_hz = arctic
    reading = np.tile(samples, 4)  # 16 s, as a calibration reading would be
    result = estimate_speaker_f0(reading, rate_hz)
    praat_hz = praat_median_hz(reading, rate_hz, 75.0, 600.0)  # Praat's default range
    assert abs(result.f0_hz / praat_hz - 1.0) < 0.02
    assert result.algorithm == "world-dio-stonemask"
    assert 6.0 < result.voiced_s < 16.0
    peak_bin_hz = max(result.f0_histogram, key=lambda pair: pair[1])[0]
    assert abs(np.log2(peak_bin_hz / result.f0_hz)) < 2.0 / 12.0


def test_a_synthetic_high_speaker_agrees_with_praat() -> None:
    reading = np.tile(synthetic_speech(16_000, 240.0, 3.0), 4)
    result = estimate_speaker_f0(reading, 16_000)
    assert abs(result.f0_hz / praat_median_hz(reading, 16_000, 75.0, 600.0) - 1.0) < 0.02


def test_too_little_speech_says_how_much_there_was(arctic: tuple[np.ndarray, int]) -> None:
    samples, rate_hz = arctic
    with pytest.raises(CalibrationError) as raised:
        estimate_speaker_f0(samples, rate_hz)
    assert raised.value.reason.startswith("only ")
    assert raised.value.reason.endswith("s of voiced speech; read for at least 10 s")


@pytest.mark.parametrize(
    "reading",
    [
        np.zeros(16_000 * 12),
        np.random.default_rng(1).normal(0.0, 0.1, 16_000 * 12),
        np.zeros(0),
    ],
    ids=["silence", "noise", "empty"],
)
def test_no_speech_is_named_as_such(reading: np.ndarray) -> None:
    with pytest.raises(CalibrationError, match=r"^no voiced speech found$"):
        estimate_speaker_f0(reading, 16_000)
