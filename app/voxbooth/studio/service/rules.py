"""The service's rules, as the studio keeps them after connecting: the upload limit, the audio
formats it takes, the calibration and voice-sample minimums and the price of an order are asked
of the service (`GET /api/limits`, `POST /api/v2/orders/quote`), never copied, so a remote
server configured otherwise is obeyed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voxbooth.api.models import Limits


@dataclass(frozen=True)
class ServiceRules:
    max_upload_bytes: int
    calibration_min_voiced_s: float
    calibration_min_s: float
    calibration_max_s: float
    sample_min_s: float
    sample_max_s: float
    formats: tuple[str, ...] = ()  # told from the bytes: "wav", "aiff", "flac", ...

    @property
    def audio_formats(self) -> tuple[str, ...] | None:
        """The formats to offer and check files against; None when the service named none
        (an older server: the studio then offers every format it can name)."""
        return self.formats or None

    @classmethod
    def from_limits(cls, limits: Limits) -> ServiceRules:
        """From the client's `Limits` (`GET /api/limits`)."""
        return cls(int(limits.max_upload_bytes), float(limits.calibration.min_voiced_s),
                   float(limits.calibration.min_duration_s),
                   float(limits.calibration.max_duration_s),
                   float(limits.voice_sample.min_duration_s),
                   float(limits.voice_sample.max_duration_s),
                   tuple(str(f) for f in limits.audio.formats))

