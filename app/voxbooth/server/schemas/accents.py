"""Accent samples: a reference phrase spoken in a voice's accent, served as audio."""

from __future__ import annotations

from pydantic import BaseModel


class AccentSamplePublic(BaseModel):
    id: str
    accent_id: str
    voice_id: str
    voice_name: str
    url: str  # the WAV, served by this service
    text: str  # the phrase it speaks
    language: str
    duration: float
    format: str
    key: str | None  # blob key: the same sample is served until the cache is cleared
    created_at: str
