"""The service's limits, for clients that check before they send (the studio does)."""

from __future__ import annotations

from fastapi import APIRouter

from voxbooth.server.deps import CurrentUser, SettingsDep
from voxbooth.server.schemas.limits import LimitsPublic
from voxbooth.server.services.limits import service_limits

router = APIRouter(tags=["limits"])


@router.get("/api/limits")
def get_limits(user: CurrentUser, settings: SettingsDep) -> LimitsPublic:
    """Upload size, audio layout, take, calibration and voice-sample limits, as this service
    enforces them (a server may be configured with another upload limit)."""
    return service_limits(settings)
