"""Text to speech: the espeak-ng voices and the bodies that make a TTS original."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

MAX_TTS_TEXT_CHARS = 5_000


class TtsVoicePublic(BaseModel):
    id: str
    visibility: str
    name: str
    f0: float
    is_default: bool
    # beyond the seed: the ISO 639-1 language the voice speaks
    language: str


class TtsCreate(BaseModel):
    """`POST /api/v2/recordings/tts`."""

    parent_folder_id: uuid.UUID
    text: str = Field(max_length=MAX_TTS_TEXT_CHARS)
    text_language: str | None = Field(None, max_length=16,
                                      description="ISO 639-1 code; detected when absent")
    label: str | None = Field(None, max_length=255)


class TtsCreateV1(BaseModel):
    """`POST /api/recordings/tts` (deprecated): the TTS voice is chosen by id."""

    project_id: uuid.UUID
    parent_folder_id: uuid.UUID
    label: str | None = Field(None, max_length=255)
    voice_id: uuid.UUID
    text: str = Field(max_length=MAX_TTS_TEXT_CHARS)
