"""Voice cloning: private voices and their samples (seed 000's `voice_sample`)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from voxbooth.server.schemas.voices import AgeGroup, Gender


class PrivateVoiceCreate(BaseModel):
    name: str = Field(max_length=200)
    description: str | None = Field(None, max_length=2000)
    gender: Gender | None = None
    age_group: AgeGroup | None = None
    nationality: str | None = Field(None, max_length=64)


class VoiceSamplePublic(BaseModel):
    id: str
    name: str
    filename: str
    # uploaded -> processing -> ready | failed
    status: str
    created_at: datetime
    description: str | None = None
    tags: str | None = None
    duration: float = 0.0
    error: str | None = None


class VoiceSampleUploaded(BaseModel):
    """Seed 000's answer to an upload."""

    success: bool = True
    voice_sample: VoiceSamplePublic


class PrivateVoicePublic(BaseModel):
    id: str
    owner_id: str
    name: str
    slug: str
    visibility: str = "private"
    description: str
    # uploaded (no sample processed yet) -> processing -> ready | failed
    status: str
    error: str | None
    gender: str | None
    age_group: str | None
    nationality: str | None
    pitch: float | None  # Hz, the median f0 of its samples once ready
    pitch_group: str | None
    created_at: datetime
    ready_at: datetime | None
    samples: list[VoiceSamplePublic]
