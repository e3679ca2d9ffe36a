"""Calibrations (seed 002): upload a reading, get its measured f0, choose which one is used."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from voxbooth.server.conversion import calibrations
from voxbooth.server.deps import (
    BlobsDep,
    CurrentUser,
    ScratchDep,
    SessionDep,
    SettingsDep,
    run_db,
)
from voxbooth.server.idempotency import IdempotentJson, IdempotentUpload
from voxbooth.server.schemas.calibrations import CalibrationMode, CalibrationPublic
from voxbooth.server.services.storage import delete_blobs
from voxbooth.server.uploads import receive_upload

router = APIRouter(tags=["calibration"])

_CALIBRATION_UPLOAD: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {
        "type": "object", "required": ["name", "data"],
        "properties": {
            "name": {"type": "string", "description": "Unique name for the calibration"},
            "data": {"type": "string", "format": "binary",
                     "description": "10 s to 10 min of speech: WAV, AIFF, FLAC, OGG, MP3 or M4A"},
        }}}}}}


@router.post("/api/calibration", status_code=201, openapi_extra=_CALIBRATION_UPLOAD)
async def create_calibration(request: Request, user: CurrentUser, blobs: BlobsDep,
                             settings: SettingsDep, idempotency: IdempotentUpload,
                             scratch: ScratchDep) -> CalibrationPublic:
    """Uploads a reading of your natural voice (multipart `name` and `data`); its f0 is
    measured in the background (`processing` -> `calibrated` or `error` with the reason)."""
    upload = await receive_upload(request, max_bytes=settings.max_upload_bytes,
                                  tmp_dir=scratch.dir)

    def create(session: Session) -> CalibrationPublic:
        cal = calibrations.create_calibration(session, blobs, user.id, upload)
        return calibrations.to_public(cal)

    async with upload:
        await idempotency.claim_upload(upload)
        return await run_db(request, create)


@router.get("/api/calibration")
def list_calibrations(user: CurrentUser, session: SessionDep) -> list[CalibrationPublic]:
    return [calibrations.to_public(c) for c in calibrations.list_calibrations(session, user.id)]


@router.post("/api/calibration/auto")
def use_auto_calibration(user: CurrentUser, session: SessionDep,
                         idempotency: IdempotentJson) -> CalibrationMode:
    """No calibration: conversions estimate your f0 from each original."""
    calibrations.use_auto(session, user.id)
    session.commit()
    return CalibrationMode(mode="auto")


@router.get("/api/calibration/{calibration_id}")
def get_calibration(calibration_id: uuid.UUID, user: CurrentUser,
                    session: SessionDep) -> CalibrationPublic:
    return calibrations.to_public(
        calibrations.own_calibration(session, user.id, str(calibration_id)))


@router.put("/api/calibration/{calibration_id}/enable")
def enable_calibration(calibration_id: uuid.UUID, user: CurrentUser,
                       session: SessionDep) -> CalibrationPublic:
    """Makes this (calibrated) calibration the one conversions use by default."""
    cal = calibrations.enable(session, user.id, str(calibration_id))
    session.commit()
    return calibrations.to_public(cal)


@router.delete("/api/calibration/{calibration_id}")
def delete_calibration(calibration_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                       blobs: BlobsDep) -> CalibrationPublic:
    """Deletes a calibration and returns it; deleting the enabled one means auto again."""
    cal = calibrations.delete_calibration(session, user.id, str(calibration_id))
    public = calibrations.to_public(cal)
    session.commit()
    delete_blobs(blobs, [cal.key] if cal.key else [])
    return public
