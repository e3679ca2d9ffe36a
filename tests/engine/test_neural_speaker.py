"""Speaker similarity: two clips of one speaker score above any pair of different speakers."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from voxbooth.engine import tts
from voxbooth.engine.neural import speaker, vad

SENTENCES = ("Author of the danger trail, Philip Steels, etc.",
             "The birch canoe slid on the smooth planks; glue the sheet to the dark blue "
             "background.")


@pytest.fixture(scope="module")
def clips(arctic: tuple[np.ndarray, int]) -> dict[str, list[tuple[np.ndarray, int]]]:
    """Two clips per speaker: the ARCTIC man (his one utterance cut in two at its middle) and
    two espeak-ng voices, each speaking the two sentences."""
    samples, rate_hz = arctic
    bounds = vad.speech_bounds(samples, rate_hz)
    assert bounds is not None
    speech = samples[int(bounds.start_s * rate_hz): int(bounds.end_s * rate_hz)]
    half = len(speech) // 2
    out = {"arctic": [(speech[:half], rate_hz), (speech[half:], rate_hz)]}
    for voice in tts.tts_voices():
        if voice.language == "en":
            out[voice.name] = [tts.synthesize(s, voice_id=voice.id) for s in SENTENCES]
    return out


def test_one_speaker_scores_above_two_speakers(clips: dict[str, list[tuple[np.ndarray, int]]]
                                               ) -> None:
    vectors = {name: [speaker.embedding(s, r) for s, r in pair] for name, pair in clips.items()}
    same = {name: speaker.similarity(a, b) for name, (a, b) in vectors.items()}
    different = {
        (x, y): speaker.similarity(a, b)
        for x, y in itertools.combinations(vectors, 2)
        for a in vectors[x] for b in vectors[y]
    }
    assert len(same) >= 3
    worst_same, best_different = min(same.values()), max(different.values())
    assert worst_same > best_different + 0.1, (same, different)


def test_similarity_ignores_gain_and_rate(arctic: tuple[np.ndarray, int]) -> None:
    from scipy.signal import resample_poly

    samples, rate_hz = arctic
    reference = speaker.embedding(samples, rate_hz)
    quieter = speaker.embedding(samples * 0.2, rate_hz)
    at_48k = speaker.embedding(resample_poly(samples, 3, 1), 48_000)
    assert speaker.similarity(reference, quieter) > 0.99
    assert speaker.similarity(reference, at_48k) > 0.95
    assert reference.shape == (256,)
    assert np.linalg.norm(reference) == pytest.approx(1.0, abs=1e-4)
