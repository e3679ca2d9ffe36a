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
    error: str | None = None
    description: str | None = None
    tags: str | list[str] | None = None
    duration: float | None = None
    created_at: Timestamp = None


class PrivateVoice(VoxModel):
    """A voice cloned from the owner's samples; orderable (and listed) once `ready`."""

    id: str
    name: str | None = None
    state: str | None = None  # uploaded, processing, ready, failed
    error: str | None = None
    description: str | None = None
    pitch: float | None = None  # Hz, once estimated
    created_at: Timestamp = None

    @property
    def status(self) -> str | None:
        """000 calls it `status`; VoxBooth's private voices say `state`."""
        return self.state or (self.model_extra or {}).get("status")

    @property
    def is_final(self) -> bool:
        return self.status in PRIVATE_VOICE_FINAL_STATES
