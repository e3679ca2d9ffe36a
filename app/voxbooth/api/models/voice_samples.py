"""Voice cloning (seed 000): a private voice and the samples uploaded to it."""

from __future__ import annotations

from pydantic import Field

from voxbooth.api.models.base import Timestamp, VoxModel

#: states after which a private voice changes no more
PRIVATE_VOICE_FINAL_STATES = frozenset({"ready", "failed"})


class VoiceSample(VoxModel):
    id: str
    name: str | None = None
    filename: str | None = None
    status: str | None = None  # uploaded, processing, ready, failed
    error: str | None = None
    description: str | None = None
    tags: str | list[str] | None = None
    duration: float | None = None
    created_at: Timestamp = None


class PrivateVoice(VoxModel):
    """A voice cloned from the owner's samples; listed and orderable once `ready`."""

    id: str
    name: str | None = None
    owner_id: str | None = None
    slug: str | None = None
    visibility: str | None = "private"
    status: str | None = None  # uploaded, processing, ready, failed
    error: str | None = None
    description: str | None = None
    gender: str | None = None
    age_group: str | None = None
    nationality: str | None = None
    pitch: float | None = None  # Hz, the median f0 of its samples once ready
    pitch_group: str | None = None
    created_at: Timestamp = None
    ready_at: Timestamp = None
    samples: list[VoiceSample] = Field(default_factory=list)

    @property
    def is_final(self) -> bool:
        return (self.status or (self.model_extra or {}).get("state")) in \
            PRIVATE_VOICE_FINAL_STATES
