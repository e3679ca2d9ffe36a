"""Proofing's alignment on generated edits of script lines: every edit is found, with its time."""

from __future__ import annotations

import random

import pytest

from voxbooth.engine.neural.proofing import proof, script_words, word_error_rate
from voxbooth.engine.neural.transcribe import Word

VOCABULARY = ("the", "a", "quick", "brown", "fox", "river", "bank", "stood", "still", "morning",
              "light", "over", "hills", "and", "we", "never", "spoke", "again", "of", "it")


def _spoken(words: list[str]) -> list[Word]:
    return [Word(w, 0.5 * i, 0.5 * i + 0.4, 0.9) for i, w in enumerate(words)]


@pytest.mark.parametrize("seed", range(40))
def test_one_edit_of_a_line_is_found_where_it_happened(seed: int) -> None:
    rng = random.Random(seed)
    line = [rng.choice(VOCABULARY) for _ in range(rng.randint(3, 14))]
    heard = list(line)
    at = rng.randrange(len(line))
    kind = rng.choice(["missed", "added", "changed"])
    if kind == "missed":
        del heard[at]
    elif kind == "added":
        heard.insert(at, "zebra")
    else:
        heard[at] = "zebra"
    script = " ".join(line).capitalize() + "."
    issues = proof(script, _spoken(heard), duration_s=0.5 * len(heard) + 1.0)
    assert len(issues) == 1, issues
    issue = issues[0]
    assert issue.kind == kind
    if kind == "missed":
        # the gap between the words heard around it (equal words can shift the gap by one)
        assert issue.expected is not None and issue.expected.lower() == line[at]
        assert issue.start_s <= issue.end_s
        assert abs(issue.start_s - (0.5 * at - 0.1 if at else 0.0)) <= 0.5 * (
            1 + sum(1 for w in line if w == line[at]))
    else:
        assert issue.heard == "zebra" and issue.start_s == 0.5 * at
        assert issue.expected == (None if kind == "added" else script_words(script)[at])
    # its place in the line: the word missed or changed, or the word an added one came before
    # (equal neighbours make either of them right)
    words = [w.lower() for w in script_words(script)]
    if kind == "added":
        assert 0 <= issue.script_index <= len(words)
        assert [*words[:issue.script_index], "zebra", *words[issue.script_index:]] == \
            [w.lower() for w in heard]
    else:
        assert words[issue.script_index] == line[at]
        edited = list(words)
        if kind == "missed":
            del edited[issue.script_index]
        else:
            edited[issue.script_index] = "zebra"
        assert edited == [w.lower() for w in heard]


def test_punctuation_case_and_hyphens_are_not_issues() -> None:
    heard = _spoken(["Well,", "known", "writers", "don't", "SHOUT!"])
    assert proof("Well-known writers don’t shout.", heard, 3.0) == []


def test_word_error_rate() -> None:
    assert word_error_rate("the cat sat on the mat", "the cat sat on the mat") == 0.0
    assert word_error_rate("the cat sat on the mat", "the cat sat on mat") == pytest.approx(1 / 6)
    assert word_error_rate("a b", "c d e") == pytest.approx(3 / 2)


def test_words_starting_in_a_pause_move_to_where_speech_starts() -> None:
    from voxbooth.engine.neural.transcribe import snap_to_speech

    words = [Word("And", 0.0, 0.66, 0.5), Word("you", 0.66, 0.94, 0.9),
             Word("then", 2.9, 3.6, 0.9)]
    snapped = snap_to_speech(words, [(0.41, 1.5), (3.0, 3.4)])
    assert [(w.start_s, w.end_s) for w in snapped] == [(0.41, 0.66), (0.66, 0.94), (3.0, 3.4)]
    assert snap_to_speech(words, []) == words
