"""Conversions keep their promises: pitch, formants, length, level, no clipping."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from voxbooth.engine.convert import ConversionError, convert, convert_with_report
from voxbooth.engine.profiles import ProfileError, profile_for_voice

from .measure import cents, loudness_lufs, praat_formants_hz, praat_median_hz

CONTRACT_CASES = [
    ("marcus", 0.0),
    ("elena", 0.0),
    ("lily", -3.0),
    ("walter", 2.0),
    ("unit-7", 0.0),
    ("chirpy", 0.0),
    ("bruno", 1.5),
]


@pytest.mark.parametrize(("voice", "semitones"), CONTRACT_CASES)
def test_pitch_contract_on_real_speech_with_a_calibration(
    arctic: tuple[np.ndarray, int], arctic_f0_hz: float, voice: str, semitones: float
) -> None:
    samples, rate_hz = arctic
    profile = profile_for_voice(voice)
    out = convert(samples, rate_hz, profile, source_f0_hz=arctic_f0_hz, semitones=semitones)
    promised_hz = profile.pitch_hz * 2.0 ** (semitones / 12.0)
    assert abs(cents(praat_median_hz(out, rate_hz), promised_hz)) < 25.0


@pytest.mark.parametrize("voice", ["marcus", "aiko", "goblin"])
def test_pitch_contract_when_the_speaker_is_estimated_from_the_original(
    synthetic: tuple[np.ndarray, int], arctic: tuple[np.ndarray, int], voice: str
) -> None:
    profile = profile_for_voice(voice)
    for samples, rate_hz in (synthetic, arctic):
        out = convert(samples, rate_hz, profile, semitones=1.0)
        promised_hz = profile.pitch_hz * 2.0 ** (1.0 / 12.0)
        assert abs(cents(praat_median_hz(out, rate_hz), promised_hz)) < 25.0


def test_a_different_speaker_lands_on_the_same_pitch(
    synthetic: tuple[np.ndarray, int], arctic: tuple[np.ndarray, int]
) -> None:
    """Whoever speaks (a 125 Hz man, a 185 Hz synthetic speaker), Elena comes out at 205 Hz."""
    profile = profile_for_voice("elena")
    medians = [praat_median_hz(convert(s, r, profile), r) for s, r in (synthetic, arctic)]
    assert abs(cents(medians[0], medians[1])) < 25.0


@pytest.mark.parametrize("voice", ["marcus", "margaret", "rex", "nebula", "ghost"])
def test_length_level_and_headroom_are_kept(arctic: tuple[np.ndarray, int], voice: str) -> None:
    samples, rate_hz = arctic
    out = convert(
        samples * 2.5, rate_hz, profile_for_voice(voice)
    )  # a hot original near full scale
    assert abs(out.shape[0] - samples.shape[0]) / rate_hz <= 0.010
    assert float(np.max(np.abs(out))) <= 1.0
    assert abs(loudness_lufs(out, rate_hz) - loudness_lufs(samples * 2.5, rate_hz)) <= 1.0


def test_formant_warp_is_measured_back_by_praat(
    arctic: tuple[np.ndarray, int], arctic_f0_hz: float
) -> None:
    """Only the vocal tract changes (same pitch): Praat's F1-F3 move by the profile's scale."""
    samples, rate_hz = arctic
    base = profile_for_voice("jonas")
    before = praat_formants_hz(samples, rate_hz, 5_000.0)
    for scale in (1.15, 0.87):
        profile = dataclasses.replace(
            base, pitch_hz=arctic_f0_hz, formant_scale=scale, tilt_db_per_octave=0.0
        )
        out = convert(samples, rate_hz, profile, source_f0_hz=arctic_f0_hz)
        after = praat_formants_hz(out, rate_hz, 5_000.0 * scale)
        measured = float(np.mean(after / before))
        assert abs(measured / scale - 1.0) < 0.03, (scale, after / before)


def test_an_accent_must_be_the_voices_own(arctic: tuple[np.ndarray, int]) -> None:
    samples, rate_hz = arctic
    marcus, elena = profile_for_voice("marcus"), profile_for_voice("elena")
    out = convert(samples[:16000], rate_hz, marcus, accent_id=marcus.accent_ids[0])
    assert out.shape[0] == 16000
    with pytest.raises(ProfileError, match="not available for voice 'Marcus'"):
        convert(samples[:16000], rate_hz, marcus, accent_id=elena.accent_ids[0])


def test_bad_originals_are_refused_with_a_reason() -> None:
    profile = profile_for_voice("marcus")
    with pytest.raises(ConversionError, match="no audio"):
        convert(np.zeros(0), 16_000, profile)
    with pytest.raises(ConversionError, match="NaN"):
        convert(np.full(16_000, np.nan), 16_000, profile)
    with pytest.raises(ConversionError, match="not a speaking voice"):
        convert(np.zeros(16_000), 16_000, profile, source_f0_hz=5.0)


def test_silence_converts_to_silence() -> None:
    out = convert(np.zeros(16_000), 16_000, profile_for_voice("lily"))
    assert out.shape[0] == 16_000
    assert float(np.max(np.abs(out))) < 1e-3


def test_the_report_says_where_the_speakers_pitch_came_from(
    arctic: tuple[np.ndarray, int], arctic_f0_hz: float
) -> None:
    samples, rate_hz = arctic
    profile = profile_for_voice("theo")
    _, estimated = convert_with_report(samples, rate_hz, profile, semitones=-1.0)
    _, calibrated = convert_with_report(samples, rate_hz, profile, source_f0_hz=arctic_f0_hz)
    assert estimated.source_f0_from == "original"
    assert abs(estimated.source_f0_hz / arctic_f0_hz - 1.0) < 0.02
    assert estimated.target_f0_hz == pytest.approx(128.0 * 2.0 ** (-1.0 / 12.0))
    assert calibrated.source_f0_from == "calibration"
    assert calibrated.source_f0_hz == arctic_f0_hz
    assert calibrated.duration_s == pytest.approx(samples.shape[0] / rate_hz)
