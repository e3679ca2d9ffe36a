"""Who conversions sound like (the slower companion of tests/bench/test_neural_identity.py):
conversions keep the words, a cloned voice moves toward its sampled speaker."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.engine.identity import (
    convert_catalogue,
    heard_wer,
    same_speaker_reference,
    sampled_speakers,
    score_catalogue,
    score_clone,
)
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


# The pairs that scored as one speaker before the catalogue was spread apart (ARCTIC a0007:
# 0.98, 0.97, 0.96, 0.96, 0.95), and the nearest pairs after it.
FORMERLY_ONE_SPEAKER = (("aiko", "priya"), ("margaret", "sofia"), ("elena", "rosa"),
                        ("marcus", "kwame"), ("pip", "lily"))


def test_the_nearest_catalogue_voices_sound_like_different_people(
        arctic: tuple[np.ndarray, int]) -> None:
    """Issue 15's goal: no two voices' conversions of one take as similar as two clips of one
    speaker (here the lower of the two sampled speakers' own clip pairs, measured in this run).
    Reached on this take for every pair of the 24; this checks the pairs that were furthest
    from it."""
    samples, rate_hz = arctic
    slugs = {s for pair in FORMERLY_ONE_SPEAKER for s in pair}
    profiles = load_profiles()
    catalogue = convert_catalogue(samples, rate_hz, [profiles[s] for s in sorted(slugs)])
    same = min(same_speaker_reference(clips) for clips in sampled_speakers().values())
    by_slug = {profiles[s].name: s for s in slugs}
    matrix = catalogue.matrix()
    index = {by_slug[n]: i for i, n in enumerate(catalogue.names)}
    for a, b in FORMERLY_ONE_SPEAKER:
        assert matrix[index[a], index[b]] < same, (a, b, matrix[index[a], index[b]], same)


def test_a_cloned_voice_is_nearer_its_sampled_speaker_than_the_take_was(
        arctic: tuple[np.ndarray, int], tmp_path: Path) -> None:
    samples, rate_hz = arctic
    clips = sampled_speakers()["espeak en female"]
    score = score_clone(samples, rate_hz, "espeak en female", clips, tmp_path)
    assert score.to_sampled > score.source_to_sampled + 0.2, score
    assert score.to_sampled > score.to_source, score
    assert score.wer <= 0.25, score


def test_a_clone_of_a_natural_voice_is_nearer_it_than_the_source_and_keeps_the_words(
        arctic: tuple[np.ndarray, int], tmp_path: Path) -> None:
    """The natural TTS voice as the sampled speaker: before its frames were used the clone was
    only just nearer it than the source (0.48 against 0.45); now 0.52 against 0.41."""
    samples, rate_hz = arctic
    clips = sampled_speakers()["natural TTS"]
    score = score_clone(samples, rate_hz, "natural TTS", clips, tmp_path)
    assert score.to_sampled > score.to_source + 0.08, score
    assert score.wer <= heard_wer(samples, rate_hz, tmp_path) + 0.05, score
