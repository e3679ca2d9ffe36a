"""Transcripts of takes: the words heard, with times, and the differences from the script."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from voxbooth.server.deps import CurrentUser, SessionDep
from voxbooth.server.neural.transcripts import transcript_public
from voxbooth.server.schemas.transcripts import TranscriptPublic
from voxbooth.server.services.common import own_recording

router = APIRouter(tags=["recordings"])


@router.get("/api/recordings/{recording_id}/transcript")
def get_recording_transcript(recording_id: uuid.UUID, user: CurrentUser,
                             session: SessionDep) -> TranscriptPublic:
    """What was heard in the take (`words` with times) and, for a take with a script line
    (the `text` field of its upload), the words `missed`, `added` or `changed` against it.
    `state` stays `queued`/`processing` for a few seconds after an upload; `unavailable`
    when this service lacks the transcription package (`error` names it)."""
    rec = own_recording(session, user.id, str(recording_id))
    return transcript_public(session, rec)
