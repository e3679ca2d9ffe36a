from __future__ import annotations

import uuid

from pydantic import BaseModel, Field, model_validator

from voxbooth.server.schemas.recordings import NotePublic

MAX_NOTE_CHARS = 10_000


class NoteCreate(BaseModel):
    recording_id: uuid.UUID
    text: str = Field(max_length=MAX_NOTE_CHARS)


class NoteTarget(BaseModel):
    """Which note: by its `id`, or by the `recording_id` it belongs to (one note per recording)."""

    id: uuid.UUID | None = None
    recording_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _one_given(self) -> NoteTarget:
        if self.id is None and self.recording_id is None:
            raise ValueError("give the note's id or its recording_id")
        return self


class NoteUpdate(NoteTarget):
    text: str = Field(max_length=MAX_NOTE_CHARS)


__all__ = ["NoteCreate", "NotePublic", "NoteTarget", "NoteUpdate"]
