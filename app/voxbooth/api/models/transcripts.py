"""A take's transcript: the words heard, with times, and how they differ from its script line."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from voxbooth.api.models.base import VoxModel

#: states after which a transcript changes no more (until the take is transcribed again)
TRANSCRIPT_FINAL_STATES = frozenset({"done", "error", "unavailable"})


class TranscriptWord(VoxModel):
    word: str
    start_s: float
    end_s: float
    prob: float = 0.0


class TranscriptIssue(VoxModel):
    """A word of the script `missed` (heard is None; the times are the gap where it belongs),
    `added` (expected is None) or `changed` (heard instead of expected)."""

    kind: Literal["missed", "added", "changed"] | str
    expected: str | None = None
    heard: str | None = None
    start_s: float = 0.0
    end_s: float = 0.0
    #: its place among the transcript's `script_words` (the word missed or changed, or the one
    #: an added word was heard before); None from a service that does not say
    script_index: int | None = None

    def describe(self) -> str:
        """'missed: "the", 1.2 s' — the words the studio shows."""
        if self.kind == "missed":
            return f"missed: {self.expected!r}, {self.start_s:.1f} s"
        if self.kind == "added":
            return f"added: {self.heard!r}, {self.start_s:.1f} s"
        return f"{self.expected!r} read as {self.heard!r}, {self.start_s:.1f} s"


class Transcript(VoxModel):
    recording_id: str
    state: str  # queued | processing | done | error | unavailable
    language: str | None = None
    model: str | None = None
    script: str | None = None
    script_words: list[str] = Field(default_factory=list)
    text: str = ""
    words: list[TranscriptWord] = Field(default_factory=list)
    issues: list[TranscriptIssue] = Field(default_factory=list)
    error: str | None = None

    @property
    def is_final(self) -> bool:
        return self.state in TRANSCRIPT_FINAL_STATES
