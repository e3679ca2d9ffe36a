"""Edits of a selection make new samples: trimmed, faded or normalised, the rest untouched."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voxbooth.dsp.edits import fade_in, fade_out, frame_span, normalise, trim

RATE_HZ = 16000


@pytest.fixture(scope="module")
def speech(speech_path: Path) -> np.ndarray:
    samples, rate_hz = sf.read(str(speech_path), dtype="float32")
    assert rate_hz == RATE_HZ
    return samples


def test_trim_keeps_exactly_the_selection(speech: np.ndarray) -> None:
    cut = trim(speech, RATE_HZ, 0.5, 1.25)
    assert cut.shape == (12000,) and np.array_equal(cut, speech[8000:20000])
    assert trim(speech, RATE_HZ, 1.25, 0.5).shape == (12000,)  # edges in either order
    assert trim(speech, RATE_HZ, -3.0, 0.1).shape == (1600,)  # clamped to the take
    stereo = np.stack([speech, -speech], axis=1)
    assert trim(stereo, RATE_HZ, 0.0, 1.0).shape == (16000, 2)


def test_fades_ramp_across_the_selection_and_leave_the_rest(speech: np.ndarray) -> None:
    faded = fade_in(speech, RATE_HZ, 0.5, 1.5)
    assert not faded[:8000].any()  # silence before the fade-in
    assert np.array_equal(faded[24000:], speech[24000:])  # unchanged after it
    gain = faded[8000:24000] / np.where(speech[8000:24000] == 0, 1, speech[8000:24000])
    loud = np.abs(speech[8000:24000]) > 1e-3
    assert np.all(np.diff(np.linspace(0, 1, 16000, endpoint=False)[loud]) >= 0)
    assert np.allclose(gain[loud], np.linspace(0, 1, 16000, endpoint=False)[loud], atol=1e-5)

    out = fade_out(speech, RATE_HZ, 0.5, 1.5)
    assert np.array_equal(out[:8000], speech[:8000]) and not out[24000:].any()
    first_half = np.sum(out[8000:16000] ** 2) / np.sum(speech[8000:16000] ** 2)
    second_half = np.sum(out[16000:24000] ** 2) / np.sum(speech[16000:24000] ** 2)
    assert first_half > second_half  # quieter towards its end


def test_normalise_brings_the_selection_to_its_peak_without_clicks(speech: np.ndarray) -> None:
    quiet = speech * 0.1
    louder = normalise(quiet, RATE_HZ, 1.0, 2.0, peak_dbfs=-1.0)
    peak = float(np.max(np.abs(louder[16000:32000])))
    assert 20 * np.log10(peak) == pytest.approx(-1.0, abs=0.01)
    assert np.array_equal(louder[:16000], quiet[:16000]) and \
        np.array_equal(louder[32000:], quiet[32000:])
    # the gain eases in: no step between the last untouched sample and the first scaled one
    level = normalise(np.full(3 * RATE_HZ, 0.1, dtype=np.float32), RATE_HZ, 1.0, 2.0)
    assert np.abs(np.diff(level)).max() < 0.02  # 0.1 -> 0.89 over 5 ms, not in one step
    assert level[24000] == pytest.approx(10 ** (-1 / 20), abs=1e-6)
    silent = np.zeros(RATE_HZ)
    assert np.array_equal(normalise(silent, RATE_HZ, 0.0, 1.0), silent)
    with pytest.raises(ValueError, match="clip"):
        normalise(speech, RATE_HZ, 0, 1, peak_dbfs=3.0)


def test_any_selection_lies_within_the_take() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        frames = rng.randrange(0, 500_000)
        a, b = rng.uniform(-20, 40), rng.uniform(-20, 40)
        start, end = frame_span(frames, RATE_HZ, a, b)
        assert 0 <= start <= end <= frames
        assert trim(np.zeros(frames, dtype=np.float32), RATE_HZ, a, b).shape == (end - start,)
