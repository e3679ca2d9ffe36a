"""`GET /api/limits`: the rules a client should check before sending, as the service has them."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AudioLimits(BaseModel):
    """What any uploaded audio must be."""

    min_channels: int
    max_channels: int
    min_sample_rate_hz: int
    max_sample_rate_hz: int
    formats: list[str] = Field(description="Formats told from the file's bytes")


class TakeLimits(BaseModel):
    max_duration_s: float


class MeasuredUploadLimits(BaseModel):
    """Calibrations and voice samples: a duration range checked at upload, and the voiced
    speech the measurement needs afterwards (less ends the measurement in `error`)."""

    min_duration_s: float
    max_duration_s: float
    min_voiced_s: float


class LimitsPublic(BaseModel):
    max_upload_bytes: int = Field(description="Larger uploads are refused with 413")
    audio: AudioLimits
    take: TakeLimits
    calibration: MeasuredUploadLimits
    voice_sample: MeasuredUploadLimits
    max_conversions_per_order: int
