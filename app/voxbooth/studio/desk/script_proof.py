"""Proofing in script mode: a take's transcript kept with the take (so a restart shows it too),
the words to check in a few words beside the take, and the line with its missed, changed and
added words marked. Qt-free: the panel shows what these return."""

from __future__ import annotations

import html
import unicodedata
from dataclasses import asdict
from typing import Any

from voxbooth.studio.entities import Proof, ProofIssue

MISSED_COLOUR = "#c01c28"
CHANGED_COLOUR = "#c64600"
ADDED_COLOUR = "#1c71d8"


def proof_to_dict(proof: Proof) -> dict[str, Any]:
    return asdict(proof)


def proof_from_dict(data: dict[str, Any]) -> Proof | None:
    """The proof `proof_to_dict` kept; None for nothing kept or a damaged entry."""
    if not data or "take_id" not in data or "state" not in data:
        return None
    try:
        issues = tuple(ProofIssue(**issue) for issue in data.get("issues", ()))
        return Proof(str(data["take_id"]), str(data["state"]), str(data.get("script", "")),
                     tuple(str(w) for w in data.get("script_words", ())),
                     str(data.get("text", "")), issues, str(data.get("error", "")))
    except (TypeError, ValueError):
        return None


def brief(proof: Proof | None) -> str:
    """What the takes list says of a take's reading: 'transcribing…', 'read as written',
    'missed: 'always', 0.9 s'; '' before the service was asked."""
    if proof is None:
        return ""
    if proof.is_busy:
        return "transcribing…"
    if proof.state == "unavailable":
        return "no transcript"
    if proof.state != "done":
        return "transcript failed"
    if not proof.script:
        return ""
    if not proof.issues:
        return "read as written"
    return "; ".join(issue.description for issue in proof.issues)


def _spans(line: str, words: tuple[str, ...]) -> list[tuple[int, int]] | None:
    """Where each of the aligned words is in `line` (NFKC, as the service split it); None when
    they cannot all be found in order (another line, another split)."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for word in words:
        at = line.find(word, cursor)
        if at < 0:
            return None
        spans.append((at, at + len(word)))
        cursor = at + len(word)
    return spans


def _mark(text: str, colour: str, title: str, decoration: str = "underline",
          background: str = "") -> str:
    fill = f" background-color:{background};" if background else ""
    return (f'<span style="color:{colour}; text-decoration:{decoration};{fill} '
            f'font-weight:600" title="{html.escape(title)}">{html.escape(text)}</span>')


def marked_line(line: str, proof: Proof | None) -> str | None:
    """`line` as rich text with the proof's words marked, its words unchanged (what was heard
    instead is said beside it): a missed word struck through in red, a changed one underlined in
    orange, and where words were added the gap highlighted in blue (the word after it, when
    there is no gap: at the line's start or end). None when there is nothing to mark (no proof
    of this line, no issue, or issues without their place in the line)."""
    if proof is None or proof.state != "done" or not proof.issues:
        return None
    text = unicodedata.normalize("NFKC", line)
    if " ".join(text.split()) != " ".join(unicodedata.normalize("NFKC", proof.script).split()):
        return None  # the proof of another reading of another line
    spans = _spans(text, proof.script_words)
    if not spans or any(i.script_index is None for i in proof.issues):
        return None
    words: dict[int, str] = {}  # script word -> its mark
    gaps: dict[int, str] = {}  # script word -> its mark of the gap before it
    for issue in proof.issues:
        index = issue.script_index
        assert index is not None
        if issue.kind == "added":
            index = min(max(index, 0), len(spans))
            gap = (spans[index - 1][1] if index else 0,
                   spans[index][0] if index < len(spans) else len(text))
            if text[gap[0]:gap[1]].strip() or gap[0] == gap[1] or not index:
                # no gap of blanks to light up: the word the addition touches
                word = min(index, len(spans) - 1)
                start, end = spans[word]
                words.setdefault(word, _mark(text[start:end], ADDED_COLOUR, issue.description))
            else:
                gaps[index] = _mark(text[gap[0]:gap[1]], ADDED_COLOUR, issue.description,
                                    background=ADDED_COLOUR)
        elif 0 <= index < len(spans):
            start, end = spans[index]
            missed = issue.kind == "missed"
            words[index] = _mark(text[start:end], MISSED_COLOUR if missed else CHANGED_COLOUR,
                                 issue.description, "line-through" if missed else "underline")
    out: list[str] = []
    cursor = 0
    for index, (start, end) in enumerate(spans):
        out.append(gaps.get(index, html.escape(text[cursor:start])))
        out.append(words.get(index, html.escape(text[start:end])))
        cursor = end
    out.append(gaps.get(len(spans), html.escape(text[cursor:])))
    return "".join(out)
