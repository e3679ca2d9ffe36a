"""The service's limits gathered from where each is enforced (never restated here)."""

from __future__ import annotations

from voxbooth.engine.minimums import CALIBRATION_MIN_VOICED_S, VOICE_SAMPLE_MIN_VOICED_S
from voxbooth.server.media import MIME_BY_FORMAT
from voxbooth.server.media import limits as media
from voxbooth.server.schemas.limits import (
    AudioLimits,
    LimitsPublic,
    MeasuredUploadLimits,
    TakeLimits,
)
from voxbooth.server.schemas.orders import MAX_CONVERSIONS_PER_ORDER
from voxbooth.server.settings import Settings


def service_limits(settings: Settings) -> LimitsPublic:
    return LimitsPublic(
        max_upload_bytes=settings.max_upload_bytes,
        audio=AudioLimits(
            min_channels=media.MIN_CHANNELS, max_channels=media.MAX_CHANNELS,
            min_sample_rate_hz=media.MIN_SAMPLE_RATE_HZ,
            max_sample_rate_hz=media.MAX_SAMPLE_RATE_HZ, formats=sorted(MIME_BY_FORMAT)),
        take=TakeLimits(max_duration_s=media.TAKE_MAX_S),
        calibration=MeasuredUploadLimits(
            min_duration_s=media.CALIBRATION_MIN_S, max_duration_s=media.CALIBRATION_MAX_S,
            min_voiced_s=CALIBRATION_MIN_VOICED_S),
        voice_sample=MeasuredUploadLimits(
            min_duration_s=media.VOICE_SAMPLE_MIN_S, max_duration_s=media.VOICE_SAMPLE_MAX_S,
            min_voiced_s=VOICE_SAMPLE_MIN_VOICED_S),
        max_conversions_per_order=MAX_CONVERSIONS_PER_ORDER,
    )
