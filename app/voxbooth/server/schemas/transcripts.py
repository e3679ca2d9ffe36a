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


class TranscriptPublic(BaseModel):
    recording_id: str
    state: Literal["queued", "processing", "done", "error", "unavailable"]
    language: str | None = Field(description="ISO 639-1 code of the language heard or asked")
    model: str | None = Field(description="the Whisper model that listened (tiny.en, base)")
    script: str | None = Field(description="the take's script line, None when it has none")
    text: str
    words: list[TranscriptWord]
    issues: list[TranscriptIssue] = Field(
        description="how the take differs from its script line, in time order (empty "
                    "without a script)")
    error: str | None = Field(description="why there is no transcript (state error or "
                                          "unavailable: names the package to install)")
