"""The service's own rules, asked for instead of copied: limits and the price of an order."""

from __future__ import annotations

from pydantic import Field

from voxbooth.api.models.base import VoxModel


class AudioLimits(VoxModel):
    """What any uploaded audio must be."""

    min_channels: int
    max_channels: int
    min_sample_rate_hz: int
    max_sample_rate_hz: int
    formats: list[str] = Field(default_factory=list)  # told from the bytes: wav, flac, ...


class TakeLimits(VoxModel):
    max_duration_s: float


class MeasuredUploadLimits(VoxModel):
    """Calibrations and voice samples: the duration range checked at upload, and the voiced
    speech their measurement needs (with less it ends in `error`)."""

    min_duration_s: float
    max_duration_s: float
    min_voiced_s: float


class Limits(VoxModel):
    """`GET /api/limits`, as this service enforces them (a remote server may differ)."""

    max_upload_bytes: int  # larger uploads answer 413
    audio: AudioLimits
    take: TakeLimits
    calibration: MeasuredUploadLimits
    voice_sample: MeasuredUploadLimits
    max_conversions_per_order: int


class Quote(VoxModel):
    """`POST /api/v2/orders/quote`: what an order would cost, by the rule that charges it."""

    credits: int  # the whole order: per_voice times the voices
    per_voice: int  # each conversion: one credit per started minute of the original
    balance: int  # the account's credits now
    enough: bool  # balance >= credits
