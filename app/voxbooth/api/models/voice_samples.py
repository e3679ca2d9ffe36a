"""Voice cloning (seed 000): a private voice and the samples uploaded to it."""

from __future__ import annotations

from voxbooth.api.models.base import Timestamp, VoxModel

#: states after which a private voice changes no more
PRIVATE_VOICE_FINAL_STATES = frozenset({"ready", "failed"})


class VoiceSample(VoxModel):
    id: str
    name: str | None = None
    filename: str | None = None
    status: str | None = None  # uploaded, processing, ready, failed
    description: str | None = None
    tags: str | list[str] | None = None
    duration: float | None = None
    created_at: Timestamp = None


class PrivateVoice(VoxModel):
    id: str
    name: str | None = None
    status: str | None = None  # uploaded, processing, ready, failed
    description: str | None = None
    created_at: Timestamp = None
