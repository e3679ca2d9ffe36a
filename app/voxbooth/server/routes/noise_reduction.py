"""Noise reduction of a take into a new take (the original kept)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from voxbooth.server.deps import CurrentUser, SessionDep
from voxbooth.server.idempotency import IdempotentJson
from voxbooth.server.neural.noise_reduction import request_cleaning
from voxbooth.server.schemas.recordings import RecordingPublic
from voxbooth.server.services import recordings
from voxbooth.server.services.common import own_recording

router = APIRouter(tags=["recordings"])


@router.post("/api/recordings/{recording_id}/noise-reduction", status_code=202)
def clean_recording(recording_id: uuid.UUID, request: Request, user: CurrentUser,
                    session: SessionDep, idempotency: IdempotentJson) -> RecordingPublic:
    """Cleans the take's background noise (DeepFilterNet3) into a new take in the same folder,
    labelled "... (cleaned)", `processing` until its audio is ready (poll it like a
    conversion: `done` or `error`). The take itself is kept as it is. A take's `params` say
    when cleaning is worth it (`suggest_noise_reduction`, with `snr_db` and `noise_floor_db`)."""
    original = own_recording(session, user.id, str(recording_id))
    rec = request_cleaning(session, user.id, original)
    return recordings.to_public(rec, str(request.base_url))
