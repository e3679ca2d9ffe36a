from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class NotePublic(BaseModel):
    id: str
    text: str
    active: bool


class RecordingPublic(BaseModel):
    id: str
    project_id: str
    parent_folder_id: str | None
    type: str
    url: str
    waveform_url: str
    file_name: str
    label: str
    state: str
    original_id: str | None
    model_id: str | None
    model_name: str | None
    calibration_id: str | None
    calibration_value: float | None
    calibration_name: str | None
    microphone: str | None
    size: int
    duration: float
    starred: bool
    tts: bool
    tts_voice: str | None
    tts_voice_id: str | None
    text: str | None
    params: dict[str, Any]
    error: str | None
    active: bool
    created_at: datetime
    converted_at: datetime | None
    listen_count: int
    process_stage: str | None
    note: NotePublic | None
    # beyond the seed: what the studio needs to draw and play a take without fetching it
    progress: float
    format: str | None
    sample_rate: int | None
    channels: int | None


class RecordingUpdate(BaseModel):
    """PATCH: any subset. Moving to another folder moves the original's conversions with it."""

    label: str | None = Field(None, max_length=255)
    starred: bool | None = None
    parent_folder_id: uuid.UUID | None = None
    listen_count: int | None = Field(None, ge=0, le=2**31 - 1)


class RecordingReplace(BaseModel):
    """PUT: the same fields as PATCH, every one required."""

    label: str = Field(max_length=255)
    starred: bool
    parent_folder_id: uuid.UUID
    listen_count: int = Field(ge=0, le=2**31 - 1)
