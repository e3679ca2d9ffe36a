"""The service's rules, as the studio keeps them after connecting: the upload limit, the
calibration minimums and the price of an order are asked of the service (`GET /api/limits`,
`POST /api/v2/orders/quote`), never copied, so a remote server configured otherwise is obeyed."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ServiceRules:
    max_upload_bytes: int
    calibration_min_voiced_s: float
    calibration_min_s: float
    calibration_max_s: float
    sample_min_s: float
    sample_max_s: float

    @classmethod
    def from_limits(cls, limits: Any) -> ServiceRules:
        """From the client's `Limits` (typed by the client; read here by name)."""
        return cls(int(limits.max_upload_bytes), float(limits.calibration.min_voiced_s),
                   float(limits.calibration.min_duration_s),
                   float(limits.calibration.max_duration_s),
                   float(limits.voice_sample.min_duration_s),
                   float(limits.voice_sample.max_duration_s))


# TEMPORARY shim (house branch, for the lead to remove when `idem` merges): a client without
# `limits.get()` / `orders.quote()` falls back to the service's constants of today.
FALLBACK_RULES = ServiceRules(50 * 1024 * 1024, 4.0, 10.0, 600.0, 10.0, 600.0)


def fallback_credits(duration_s: float, voice_count: int) -> int:
    """TEMPORARY shim (see above): the service's rule as of today, one credit per started
    minute of the original per voice; replaced by `orders.quote` once `idem` merges."""
    return max(1, math.ceil(max(duration_s, 0.0) / 60.0 - 1e-9)) * voice_count
