"""Calibrations: the artist's measured speaking pitch (fields as in seed 002)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class CalibrationPublic(BaseModel):
    id: str
    name: str
    user_id: str
    f0: float | None
    algorithm: str | None
    bucket: str
    key: str | None
    # processing -> calibrated | error
    state: str
    error: str | None
    created_at: datetime
    calibrated_at: datetime | None
    enabled: bool


class CalibrationMode(BaseModel):
    """Which calibration conversions use: `auto` (estimated from each original) or one id."""

    mode: str
    calibration_id: str | None = None
