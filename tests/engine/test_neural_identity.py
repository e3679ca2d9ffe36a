"""Who conversions sound like (the slower companion of tests/bench/test_neural_identity.py):
conversions keep the words, a cloned voice moves toward its sampled speaker."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.engine.identity import sampled_speakers, score_catalogue, score_clone
from voxbooth.engine.profiles import load_profiles

pytestmark = pytest.mark.slow


def test_conversions_keep_the_words_and_change_the_speaker(
        arctic: tuple[np.ndarray, int], tmp_path: Path) -> None:
    samples, rate_hz = arctic
    chosen = [p for p in load_profiles().values() if p.name in ("Marcus", "Elena", "Pip", "Greta")]
    scores = score_catalogue(samples, rate_hz, tmp_path, chosen)
    assert len(scores) == 4
    assert all(s.wer <= 0.1 for s in scores), scores
    assert all(s.to_source < 0.9 for s in scores), scores  # none is the speaker unchanged
    # a woman's and a child's voice move further from this man than a man's voice does
    by_name = {s.name: s for s in scores}
    assert by_name["Elena"].to_source < by_name["Marcus"].to_source
    assert by_name["Pip"].to_source < by_name["Marcus"].to_source


def test_a_cloned_voice_is_nearer_its_sampled_speaker_than_the_take_was(
        arctic: tuple[np.ndarray, int], tmp_path: Path) -> None:
    samples, rate_hz = arctic
    clips = sampled_speakers()["espeak en female"]
    score = score_clone(samples, rate_hz, "espeak en female", clips, tmp_path)
    assert score.to_sampled > score.source_to_sampled + 0.2, score
    assert score.to_sampled > score.to_source, score
    assert score.wer <= 0.25, score
