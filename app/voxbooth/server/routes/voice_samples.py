"""Voice cloning in the manner of seed 000: private voices and the samples uploaded to them.

Seed 002 has no route for this, so the shape follows seed 000's
`POST /api/v1/assistants/{assistant_id}/voice-samples/upload` with a private voice in place of
the assistant: create a voice, upload samples (multipart `file`, `name`, `description`, `tags`),
wait for `status: ready`; the voice is then listed by `GET /api/v2/voices?visibility=private`
and ordered like any other (`voice_id` = the private voice's id).
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from voxbooth.server.conversion import cloning
from voxbooth.server.deps import (
    BlobsDep,
    CurrentUser,
    ScratchDep,
    SessionDep,
    SettingsDep,
    run_db,
)
from voxbooth.server.idempotency import IdempotentJson, IdempotentUpload
from voxbooth.server.schemas.common import Detail
from voxbooth.server.schemas.voice_samples import (
    PrivateVoiceCreate,
    PrivateVoicePublic,
    VoiceSamplePublic,
    VoiceSampleUploaded,
)
from voxbooth.server.services.storage import delete_blobs
from voxbooth.server.uploads import receive_upload

router = APIRouter(tags=["voice cloning"])
PREFIX = "/api/v2/private-voices"

_SAMPLE_UPLOAD: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary",
                     "description": "MP3, WAV, AIFF, FLAC, M4A or OGG; 10 s to 10 min; at most "
                                    "the upload limit of GET /api/limits (50 MB unless "
                                    "configured otherwise)"},
            "name": {"type": "string", "description": "Defaults to the file name"},
            "description": {"type": "string"},
            "tags": {"type": "string", "description": "Comma-separated tags"},
        }}}}}}
_UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": Detail},
    413: {"model": Detail, "description": "Over the upload limit (GET /api/limits)"},
    422: {"description": "Unsupported audio format, undecodable, or outside 10 s to 10 min"}}


@router.post(PREFIX, status_code=201)
def create_private_voice(body: PrivateVoiceCreate, user: CurrentUser, session: SessionDep,
                         idempotency: IdempotentJson) -> PrivateVoicePublic:
    """A new private (cloned) voice, status `uploaded` until its first sample is processed.

    Voice cloning in the manner of seed 000: upload 10 s to 10 min samples of one speaker to
    `POST /api/v2/private-voices/{voice_id}/voice-samples/upload` (multipart `file`, `name`,
    `description`, `tags`); the voice goes `processing`, then `ready` (its profile estimated
    from all its samples) or `failed` with the reason. A ready voice is listed by
    `GET /api/v2/voices?visibility=private` and ordered like any other voice."""
    voice = cloning.create_voice(session, user.id, body)
    session.commit()
    return cloning.voice_public(session, voice)


@router.get(PREFIX)
def list_private_voices(user: CurrentUser, session: SessionDep) -> list[PrivateVoicePublic]:
    """Your private voices in every state (only ready ones appear in `GET /api/v2/voices`)."""
    return [cloning.voice_public(session, v) for v in cloning.list_voices(session, user.id)]


@router.get(PREFIX + "/{voice_id}")
def get_private_voice(voice_id: uuid.UUID, user: CurrentUser,
                      session: SessionDep) -> PrivateVoicePublic:
    return cloning.voice_public(session, cloning.own_voice(session, user.id, str(voice_id)))


@router.delete(PREFIX + "/{voice_id}")
def delete_private_voice(voice_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                         blobs: BlobsDep) -> PrivateVoicePublic:
    public = cloning.voice_public(session, cloning.own_voice(session, user.id, str(voice_id)))
    keys = cloning.delete_voice(session, user.id, str(voice_id))
    session.commit()
    delete_blobs(blobs, keys)
    return public


@router.post(PREFIX + "/{voice_id}/voice-samples/upload", openapi_extra=_SAMPLE_UPLOAD,
             responses=_UPLOAD_ERRORS)
async def upload_voice_sample(voice_id: uuid.UUID, request: Request, user: CurrentUser,
                              blobs: BlobsDep, settings: SettingsDep,
                              idempotency: IdempotentUpload,
                              scratch: ScratchDep) -> VoiceSampleUploaded:
    """Seed 000's upload: the sample is kept (`status: uploaded`) and the voice re-estimated
    from all its samples in the background (`processing` -> `ready` or `failed`)."""
    # 404 before the body is read: no point receiving 50 MB for a voice that is not there
    await run_db(request, lambda session: cloning.own_voice(session, user.id, str(voice_id)))
    upload = await receive_upload(request, max_bytes=settings.max_upload_bytes,
                                  tmp_dir=scratch.dir, file_fields=("file", "data"))

    def add(session: Session) -> VoiceSampleUploaded:
        sample = cloning.add_sample(session, blobs, user.id, str(voice_id), upload)
        return VoiceSampleUploaded(voice_sample=cloning.sample_public(sample))

    async with upload:
        await idempotency.claim_upload(upload)
        return await run_db(request, add)


@router.get(PREFIX + "/{voice_id}/voice-samples")
def list_voice_samples(voice_id: uuid.UUID, user: CurrentUser,
                       session: SessionDep) -> list[VoiceSamplePublic]:
    voice = cloning.own_voice(session, user.id, str(voice_id))
    return [cloning.sample_public(s) for s in cloning.samples_of(session, voice.id)]


@router.delete(PREFIX + "/{voice_id}/voice-samples/{sample_id}")
def delete_voice_sample(voice_id: uuid.UUID, sample_id: uuid.UUID, user: CurrentUser,
                        session: SessionDep, blobs: BlobsDep) -> VoiceSamplePublic:
    """Deletes a sample; the voice is re-estimated from the samples left."""
    sample = cloning.delete_sample(session, user.id, str(voice_id), str(sample_id))
    public = cloning.sample_public(sample)
    session.commit()
    delete_blobs(blobs, [sample.blob_key] if sample.blob_key else [])
    return public


# The same two steps under the voices collection, for clients that think of a private voice
# as one more voice (`POST /api/v2/voices`, `.../{voice_id}/samples/upload`).
router.add_api_route(
    "/api/v2/voices", create_private_voice, methods=["POST"], status_code=201,
    name="create_voice", summary="Create a private voice (same as POST /api/v2/private-voices)",
    response_model=PrivateVoicePublic)
router.add_api_route(
    "/api/v2/voices/{voice_id}/samples/upload", upload_voice_sample, methods=["POST"],
    name="upload_voice_sample_to_voice", openapi_extra=_SAMPLE_UPLOAD, responses=_UPLOAD_ERRORS,
    summary="Upload a voice sample (same as POST /api/v2/private-voices/{voice_id}/"
            "voice-samples/upload)", response_model=VoiceSampleUploaded)
