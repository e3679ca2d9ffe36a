"""Orders v2 (seed 002): convert an original into voices; retry a failed conversion."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request

from voxbooth.server.conversion import orders
from voxbooth.server.deps import CurrentUser, SessionDep, SettingsDep
from voxbooth.server.idempotency import IdempotentJson
from voxbooth.server.schemas.common import Detail
from voxbooth.server.schemas.orders import OrderCreate, OrderQuote
from voxbooth.server.schemas.recordings import RecordingPublic
from voxbooth.server.services import recordings

router = APIRouter(tags=["orders"])
_REFUSALS: dict[int | str, dict[str, Any]] = {
    402: {"model": Detail, "description": "Not enough credits; nothing was queued"},
    404: {"model": Detail}, 409: {"model": Detail}}


@router.post("/api/v2/orders", status_code=201, responses=_REFUSALS)
def create_order(body: OrderCreate, request: Request, user: CurrentUser, session: SessionDep,
                 settings: SettingsDep, idempotency: IdempotentJson) -> list[RecordingPublic]:
    """One conversion recording per requested voice (state `new`, then `processing` with
    `process_stage` and `progress`, then `done` or `error`). Costs one credit per started
    minute of the original, per voice, charged at once and refunded if a conversion fails.
    The pitch of each conversion is the voice's pitch moved by `semitones_correction`; your
    own f0 comes from `calibration_id`, else the enabled calibration, else the original."""
    rows = orders.place_order(session, request.app.state.catalogue, settings, user.id, body)
    base = str(request.base_url)
    return [recordings.to_public(rec, base) for rec in rows]


@router.post("/api/v2/orders/quote", responses={404: {"model": Detail}, 409: {"model": Detail}})
def quote_order(body: OrderCreate, request: Request, user: CurrentUser,
                session: SessionDep) -> OrderQuote:
    """What `POST /api/v2/orders` with this body would charge, and whether the balance covers
    it: the same checks and the same rule, nothing queued or charged."""
    return orders.quote(session, request.app.state.catalogue, user.id, body)


@router.post("/api/v2/orders/retry/{recording_id}", responses=_REFUSALS)
def retry_order(recording_id: uuid.UUID, request: Request, user: CurrentUser,
                session: SessionDep, settings: SettingsDep,
                idempotency: IdempotentJson) -> RecordingPublic:
    """Re-queues a conversion that ended in `error` (charged again)."""
    rec = orders.retry(session, settings, user.id, str(recording_id))
    return recordings.to_public(rec, str(request.base_url))
