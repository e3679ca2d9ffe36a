"""Notes: the artist's remarks on a take or a conversion, one per recording."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from voxbooth.server.db import utcnow
from voxbooth.server.errors import conflict, not_found, unprocessable
from voxbooth.server.models import Note, Recording
from voxbooth.server.schemas.notes import NoteCreate, NoteTarget
from voxbooth.server.schemas.recordings import NotePublic
from voxbooth.server.services.common import own_recording


def to_public(note: Note) -> NotePublic:
    return NotePublic(id=note.id, text=note.text, active=note.active)


def _text(value: str) -> str:
    text = value.strip()
    if not text:
        raise unprocessable("The note text must not be empty")
    return text


def create_note(session: Session, user_id: str, body: NoteCreate) -> Note:
    rec = own_recording(session, user_id, str(body.recording_id))
    if session.scalar(select(Note).where(Note.recording_id == rec.id)) is not None:
        raise conflict("This recording already has a note; change it with PUT /api/notes")
    note = Note(recording_id=rec.id, text=_text(body.text))
    session.add(note)
    session.flush()
    return note


def find_note(session: Session, user_id: str, target: NoteTarget) -> Note:
    statement = select(Note).join(Recording, Recording.id == Note.recording_id).where(
        Recording.owner_id == user_id)
    if target.id is not None:
        statement = statement.where(Note.id == str(target.id))
    if target.recording_id is not None:
        statement = statement.where(Note.recording_id == str(target.recording_id))
    note = session.scalar(statement)
    if note is None:
        raise not_found("Note")
    return note


def update_note(session: Session, user_id: str, target: NoteTarget, text: str) -> Note:
    note = find_note(session, user_id, target)
    note.text, note.updated_at = _text(text), utcnow()
    session.flush()
    return note


def delete_note(session: Session, user_id: str, target: NoteTarget) -> Note:
    note = find_note(session, user_id, target)
    session.delete(note)
    session.flush()
    return note
