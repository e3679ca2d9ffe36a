"""Accent samples (seed 002): a voice speaking a reference phrase in one of its accents."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from voxbooth.server.conversion import accents
from voxbooth.server.deps import BlobsDep, CurrentUser, ScratchDep, SessionDep
from voxbooth.server.schemas.accents import AccentSamplePublic
from voxbooth.server.services.downloads import blob_download

router = APIRouter(tags=["accents"])


@router.get("/api/v2/accents/samples")
def list_accent_samples(accent_id: uuid.UUID, request: Request, user: CurrentUser,
                        session: SessionDep, blobs: BlobsDep,
                        scratch: ScratchDep) -> list[AccentSamplePublic]:
    """Playable samples of an accent. The first request makes the sample (a few seconds);
    later ones serve the same audio from the cache."""
    return accents.samples_for(session, blobs, request.app.state.catalogue, scratch,
                               user.id, str(accent_id), str(request.base_url))


@router.get("/api/v2/accents/samples/{sample_id}/file", response_class=FileResponse,
            responses={200: {"content": {"audio/wav": {}}}})
def get_accent_sample_file(sample_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                           blobs: BlobsDep) -> Response:
    key = accents.sample_key(session, blobs, user.id, str(sample_id))
    return blob_download(blobs, key, media_type="audio/wav", filename=f"accent-{sample_id}.wav",
                         headers={"Cache-Control": "private, max-age=86400"})
