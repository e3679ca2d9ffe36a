"""Script proofing: the words heard in a take aligned to the words of its script line.

A word-level edit alignment (Levenshtein with a backtrace) of the normalised words; each
difference becomes an issue with the time the artist should look at: a changed or added word
where it was heard, a missed word in the gap where it should have been (from the end of the
word heard before it to the start of the word heard after it). Pure Python; no model here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from voxbooth.engine.neural.transcribe import Word

MISSED, ADDED, CHANGED = "missed", "added", "changed"
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class Issue:
    kind: str  # missed | added | changed
    expected: str | None
    heard: str | None
    start_s: float
    end_s: float
    #: where in the script line's words (`script_words`) the issue is: the word missed or
    #: changed, or for an added word the one it was heard before (the count of words at the end)
    script_index: int = 0


def normalise(word: str) -> str:
    """Lower case, accents kept, punctuation and the apostrophe's shape dropped."""
    text = unicodedata.normalize("NFKC", word).lower().replace("’", "'")
    return "".join(_WORD.findall(text))


def script_words(text: str) -> list[str]:
    """The words of a script line as written (punctuation trimmed, hyphenated parts split)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).replace("-", " "))


def _heard_tokens(words: Sequence[Word]) -> list[tuple[str, Word]]:
    """Heard words split like script words ("well-known" -> two), each keeping its times."""
    out: list[tuple[str, Word]] = []
    for word in words:
        for part in script_words(word.word):
            out.append((part, word))
    return out


def _align(expected: list[str], heard: list[str]) -> list[tuple[int | None, int | None]]:
    """Pairs (i, j) of an edit alignment: both set = same or changed, one None = missed/added."""
    n, m = len(expected), len(heard)
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        cost[i][0] = i
    for j in range(m + 1):
        cost[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            same = normalise(expected[i - 1]) == normalise(heard[j - 1])
            cost[i][j] = min(cost[i - 1][j - 1] + (0 if same else 1),
                             cost[i - 1][j] + 1, cost[i][j - 1] + 1)
    pairs: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0:
            same = normalise(expected[i - 1]) == normalise(heard[j - 1])
            if cost[i][j] == cost[i - 1][j - 1] + (0 if same else 1):
                pairs.append((i - 1, j - 1))
                i, j = i - 1, j - 1
                continue
        if i > 0 and cost[i][j] == cost[i - 1][j] + 1:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    pairs.reverse()
    return pairs


def proof(script: str, words: Sequence[Word], duration_s: float) -> list[Issue]:
    """Missed, added and changed words of a take against its script line, in time order."""
    expected = script_words(script)
    tokens = _heard_tokens(words)
    heard = [t for t, _ in tokens]
    pairs = _align(expected, heard)
    issues: list[Issue] = []
    for k, (i, j) in enumerate(pairs):
        if i is not None and j is not None:
            if normalise(expected[i]) != normalise(heard[j]):
                w = tokens[j][1]
                issues.append(Issue(CHANGED, expected[i], heard[j], w.start_s, w.end_s, i))
        elif j is not None:
            w = tokens[j][1]
            before_word = next((p for p, _q in pairs[k + 1:] if p is not None), len(expected))
            issues.append(Issue(ADDED, None, heard[j], w.start_s, w.end_s, before_word))
        elif i is not None:
            before = next((tokens[q][1].end_s for p, q in reversed(pairs[:k]) if q is not None),
                          0.0)
            after = next((tokens[q][1].start_s for p, q in pairs[k + 1:] if q is not None),
                         duration_s)
            issues.append(Issue(MISSED, expected[i], None, before, max(before, after), i))
    return issues


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words, on normalised words."""
    expected, heard = script_words(reference), script_words(hypothesis)
    if not expected:
        return 0.0 if not heard else 1.0
    errors = sum(1 for i, j in _align(expected, heard)
                 if i is None or j is None or normalise(expected[i]) != normalise(heard[j]))
    return errors / len(expected)
