"""Notes on recordings."""

from __future__ import annotations

from fastapi import APIRouter

from voxbooth.server.deps import CurrentUser, SessionDep
from voxbooth.server.idempotency import IdempotentJson
from voxbooth.server.schemas.notes import NoteCreate, NotePublic, NoteTarget, NoteUpdate
from voxbooth.server.services import notes

router = APIRouter(tags=["notes"])


@router.post("/api/notes", status_code=201)
def create_note(body: NoteCreate, user: CurrentUser, session: SessionDep,
                idempotency: IdempotentJson) -> NotePublic:
    """Adds a note to a recording (`recording_id`, `text`)."""
    note = notes.create_note(session, user.id, body)
    session.commit()
    return notes.to_public(note)


@router.put("/api/notes")
def update_note(body: NoteUpdate, user: CurrentUser, session: SessionDep) -> NotePublic:
    """Changes a note's text; the note is named by `id` or by `recording_id`."""
    note = notes.update_note(session, user.id, body, body.text)
    session.commit()
    return notes.to_public(note)


@router.delete("/api/notes")
def delete_note(body: NoteTarget, user: CurrentUser, session: SessionDep) -> NotePublic:
    """Deletes a note named by `id` or `recording_id` in the JSON body."""
    note = notes.delete_note(session, user.id, body)
    public = notes.to_public(note)
    session.commit()
    return public
