"""Voice cloning: speaker A converted into a voice cloned from speaker B sounds at B's pitch."""

from __future__ import annotations

import numpy as np
import pytest

from voxbooth.engine import tts
from voxbooth.engine.clone import CloneError, estimate_profile
from voxbooth.engine.convert import convert
from voxbooth.engine.profiles import VoiceProfile

from .measure import cents, envelope_shift, long_term_envelope_db, praat_median_hz

B_TEXTS = [
    "Please call Stella and ask her to bring these things with her from the store.",
    "Six spoons of fresh snow peas, five thick slabs of blue cheese, and a snack for Bob.",
    "We also need a small plastic snake and a big toy frog for the kids.",
]


@pytest.fixture(scope="module")
def speaker_b() -> list[tuple[np.ndarray, int]]:
    """Speaker B: espeak-ng's English female voice (about 214 Hz), by name: the natural voice
    is female too."""
    female = next(v for v in tts.tts_voices() if v.name == "espeak en female")
    return [tts.synthesize(text, voice_id=female.id) for text in B_TEXTS]


def test_a_cloned_voice_converts_a_to_b_s_pitch_and_tract(
    speaker_b: list[tuple[np.ndarray, int]], arctic: tuple[np.ndarray, int]
) -> None:
    profile = estimate_profile(speaker_b, name="Bea", voice_id="b-1")
    b_all = np.concatenate([s for s, _ in speaker_b])
    b_median_hz = praat_median_hz(b_all, 22_050)
    samples, rate_hz = arctic  # speaker A: the ARCTIC man, about 125 Hz
    out = convert(samples, rate_hz, profile)
    assert abs(cents(praat_median_hz(out, rate_hz), b_median_hz)) < 50.0
    # B's envelope sits higher than A's (shorter tract); the conversion moves A towards it.
    grid, a_env = long_term_envelope_db(samples, rate_hz)
    _, out_env = long_term_envelope_db(out, rate_hz)
    assert envelope_shift(a_env, out_env, grid) > 1.03


def test_a_cloned_profile_survives_storage(speaker_b: list[tuple[np.ndarray, int]]) -> None:
    profile = estimate_profile(speaker_b[:2], name="Bea")
    again = VoiceProfile.from_dict(profile.to_dict())
    assert again == profile
    assert profile.f0_range_st is not None and 0.5 < profile.f0_range_st < 6.0


def test_samples_without_speech_are_refused() -> None:
    with pytest.raises(CloneError, match="no voiced speech"):
        estimate_profile([(np.zeros(16_000 * 10), 16_000)])
    with pytest.raises(CloneError, match="add more speech"):
        short, rate_hz = tts.synthesize("Hi.", language="en")
        estimate_profile([(short, rate_hz)])
