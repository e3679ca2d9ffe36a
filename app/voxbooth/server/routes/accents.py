"""Accent samples (seed 002): a voice speaking a reference phrase in one of its accents."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from voxbooth.server.conversion import accents
from voxbooth.server.deps import BlobsDep, CurrentUser, SessionDep, SettingsDep
from voxbooth.server.schemas.accents import AccentSamplePublic

router = APIRouter(tags=["accents"])


@router.get("/api/v2/accents/samples")
def list_accent_samples(accent_id: uuid.UUID, request: Request, user: CurrentUser,
                        session: SessionDep, blobs: BlobsDep,
                        settings: SettingsDep) -> list[AccentSamplePublic]:
    """Playable samples of an accent. The first request makes the sample (a few seconds);
    later ones serve the same audio from the cache."""
    return accents.samples_for(session, blobs, request.app.state.catalogue, settings.tmp_dir,
                               user.id, str(accent_id), str(request.base_url))


@router.get("/api/v2/accents/samples/{sample_id}/file", response_class=FileResponse,
            responses={200: {"content": {"audio/wav": {}}}})
def get_accent_sample_file(sample_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                           blobs: BlobsDep) -> FileResponse:
    path = accents.sample_file(session, blobs, user.id, str(sample_id))
    return FileResponse(path, media_type="audio/wav", filename=f"accent-{sample_id}.wav",
                        headers={"Cache-Control": "private, max-age=86400"})
