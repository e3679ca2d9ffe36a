from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class TranscriptWord(BaseModel):
    word: str
    start_s: float
    end_s: float
    prob: float = Field(description="the recogniser's confidence in the word, 0..1")


class TranscriptIssue(BaseModel):
    kind: Literal["missed", "added", "changed"]
    expected: str | None = Field(description="the script's word (None for an added word)")
    heard: str | None = Field(description="the word heard (None for a missed word)")
    start_s: float = Field(description="where to listen: the heard word, or for a missed "
                                       "word the gap where it belongs")
    end_s: float
    script_index: int | None = Field(
        None, description="the issue's place among `script_words`: the word missed or "
                          "changed, or the word an added one was heard before (their count at "
                          "the end); absent for transcripts made before it was kept")


class TranscriptPublic(BaseModel):
    recording_id: str
    state: Literal["queued", "processing", "done", "error", "unavailable"]
    language: str | None = Field(description="ISO 639-1 code of the language heard or asked")
    model: str | None = Field(description="the Whisper model that listened (tiny.en, base)")
    script: str | None = Field(description="the take's script line, None when it has none")
    script_words: list[str] = Field(
        default_factory=list, description="the script line's words as they were aligned "
                                          "(punctuation trimmed, hyphenated parts split)")
    text: str
    words: list[TranscriptWord]
    issues: list[TranscriptIssue] = Field(
        description="how the take differs from its script line, in time order (empty "
                    "without a script)")
    error: str | None = Field(description="why there is no transcript (state error or "
                                          "unavailable: names the package to install)")
