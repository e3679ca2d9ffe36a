"""Text to speech (seed 002): the TTS voices and TTS originals."""

from __future__ import annotations

from fastapi import APIRouter, Request

from voxbooth.server.conversion import tts
from voxbooth.server.deps import BlobsDep, CurrentUser, ScratchDep, SessionDep
from voxbooth.server.idempotency import IdempotentJson
from voxbooth.server.schemas.recordings import RecordingPublic
from voxbooth.server.schemas.tts import TtsCreate, TtsCreateV1, TtsVoicePublic
from voxbooth.server.services import recordings

router = APIRouter(tags=["tts"])


@router.get("/api/tts-voices")
def list_tts_voices(user: CurrentUser) -> list[TtsVoicePublic]:
    """The espeak-ng voices (a male and a female one per language) and, first, the natural
    English voice (hibari-tts), the default for English, when the service has it."""
    return tts.voices_public()


@router.post("/api/v2/recordings/tts", status_code=201)
def create_tts_recording(body: TtsCreate, request: Request, user: CurrentUser,
                         session: SessionDep, blobs: BlobsDep,
                         idempotency: IdempotentJson,
                         scratch: ScratchDep) -> RecordingPublic:
    """An original spoken from `text` (language detected when `text_language` is absent).
    Convert it with an order that names a `narration_style_id` for each voice."""
    rec = tts.create_tts_original(
        session, blobs, scratch, user.id, folder_id=str(body.parent_folder_id),
        text=body.text, language=body.text_language, label=body.label)
    return recordings.to_public(rec, str(request.base_url))


@router.post("/api/recordings/tts", status_code=201, deprecated=True)
def create_tts_recording_v1(body: TtsCreateV1, request: Request, user: CurrentUser,
                            session: SessionDep, blobs: BlobsDep,
                            idempotency: IdempotentJson,
                            scratch: ScratchDep) -> RecordingPublic:
    """Deprecated: use `POST /api/v2/recordings/tts`. The TTS voice is named by `voice_id`
    (see `GET /api/tts-voices`)."""
    rec = tts.create_tts_original(
        session, blobs, scratch, user.id, folder_id=str(body.parent_folder_id),
        text=body.text, voice_id=str(body.voice_id), label=body.label,
        project_id=str(body.project_id))
    return recordings.to_public(rec, str(request.base_url))
