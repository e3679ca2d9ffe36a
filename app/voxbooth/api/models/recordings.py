from __future__ import annotations

from typing import Any

from pydantic import Field

from voxbooth.api.models.base import Timestamp, VoxModel

#: states after which a conversion changes no more
CONVERSION_FINAL_STATES = frozenset({"done", "error"})


class Note(VoxModel):
    id: str | None = None
    text: str = ""
    active: bool = True
    recording_id: str | None = None


class Recording(VoxModel):
    """An original (a take, uploaded or TTS) or a conversion of one into another voice."""

    id: str
    project_id: str | None = None
    parent_folder_id: str | None = None
    type: str | None = None  # "original" or "conversion"
    url: str | None = None
    waveform_url: str | None = None
    file_name: str | None = None
    label: str | None = None
    state: str | None = None
    original_id: str | None = None
    model_id: str | None = None  # the voice of a conversion
    model_name: str | None = None
    calibration_id: str | None = None
    calibration_value: float | None = None
    calibration_name: str | None = None
    microphone: str | None = None
    size: int | None = None  # bytes
    duration: float | None = None  # seconds
    starred: bool = False
    tts: bool | None = None
    tts_voice: str | None = None
    tts_voice_id: str | None = None
    text: str | None = None
    params: dict[str, Any] | None = Field(default_factory=dict)
    error: str | None = None
    active: bool = True
    created_at: Timestamp = None
    converted_at: Timestamp = None
    listen_count: int | None = 0
    process_stage: str | None = None
    progress: float | None = None  # 0..1 while a conversion runs (VoxBooth adds it to the seed)
    note: Note | None = None

    @property
    def is_final(self) -> bool:
        return self.state in CONVERSION_FINAL_STATES

    @property
    def is_conversion(self) -> bool:
        return self.type == "conversion" or (self.type is None and self.original_id is not None)


class Waveform(VoxModel):
    """Min/max peaks of one zoom level (`GET /api/recordings/{id}/waveform`)."""

    sample_rate: int | None = None  # Hz
    frames: int | None = None
    duration_s: float | None = None
    samples_per_peak: int | None = None
    start_frame: int = 0
    levels: list[int] = Field(default_factory=list)  # samples per peak of every zoom level
    peaks: list[list[float]] = Field(default_factory=list)  # [min, max] per peak
