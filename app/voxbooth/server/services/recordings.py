"""Recordings: takes (originals) uploaded by the artist and the conversions made from them."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from voxbooth.server.blobs import BlobStore
from voxbooth.server.db import utcnow
from voxbooth.server.errors import unprocessable
from voxbooth.server.media import check_take_duration, probe
from voxbooth.server.models import Project, Recording
from voxbooth.server.neural.transcripts import enqueue_transcript, search_condition
from voxbooth.server.schemas.common import Direction
from voxbooth.server.schemas.recordings import NotePublic, RecordingPublic
from voxbooth.server.services.common import clean_name, own_folder, own_recording, paged
from voxbooth.server.services.waveforms import enqueue_waveform
from voxbooth.server.uploads import ReceivedUpload, safe_filename

ORIGINAL, CONVERSION = "original", "conversion"


def to_public(rec: Recording, base_url: str) -> RecordingPublic:
    base = base_url.rstrip("/")
    note = rec.note
    return RecordingPublic(
        id=rec.id, project_id=rec.project_id, parent_folder_id=rec.parent_folder_id,
        type=rec.type, url=f"{base}/api/recordings/{rec.id}/file",
        waveform_url=f"{base}/api/recordings/{rec.id}/waveform", file_name=rec.file_name,
        label=rec.label, state=rec.state, original_id=rec.original_id, model_id=rec.model_id,
        model_name=rec.model_name, calibration_id=rec.calibration_id,
        calibration_value=rec.calibration_value, calibration_name=rec.calibration_name,
        microphone=rec.microphone, size=rec.size, duration=rec.duration, starred=rec.starred,
        tts=rec.tts, tts_voice=rec.tts_voice, tts_voice_id=rec.tts_voice_id, text=rec.text,
        params=rec.params or {}, error=rec.error, active=rec.active, created_at=rec.created_at,
        converted_at=rec.converted_at, listen_count=rec.listen_count,
        process_stage=rec.process_stage,
        note=NotePublic(id=note.id, text=note.text, active=note.active) if note else None,
        progress=rec.progress, format=rec.format, sample_rate=rec.sample_rate,
        channels=rec.channels,
    )


def parse_uuid(value: str | None, field: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError as exc:
        raise unprocessable(f"{field} is not a valid UUID: {value[:64]!r}") from exc


def _order(direction: Direction) -> list[Any]:
    if direction is Direction.asc:
        return [Recording.created_at.asc(), Recording.id.asc()]
    return [Recording.created_at.desc(), Recording.id.desc()]


def list_recordings(session: Session, user_id: str, *, project_id: str | None,
                    folder_id: str | None, only_type: str | None, limit: int, offset: int,
                    direction: Direction, search: str | None = None
                    ) -> tuple[list[Recording], int]:
    if project_id is None and folder_id is None:
        raise unprocessable("Give project_id or folder_id")
    statement = select(Recording).where(Recording.owner_id == user_id)
    if folder_id is not None:
        own_folder(session, user_id, folder_id)
        statement = statement.where(Recording.parent_folder_id == folder_id)
    if project_id is not None:
        from voxbooth.server.services.common import own_project

        own_project(session, user_id, project_id)
        statement = statement.where(Recording.project_id == project_id)
    if only_type is not None:
        statement = statement.where(Recording.type == only_type)
    if search:
        statement = statement.where(search_condition(search))
    return paged(session, statement, limit, offset, _order(direction))


def list_conversions(session: Session, user_id: str, original_id: str, *, limit: int,
                     offset: int, direction: Direction) -> tuple[list[Recording], int]:
    original = own_recording(session, user_id, original_id)
    statement = select(Recording).where(Recording.original_id == original.id,
                                        Recording.type == CONVERSION)
    return paged(session, statement, limit, offset, _order(direction))


def _label(fields: dict[str, str], file_name: str) -> str:
    label = fields.get("label") or fields.get("name") or Path(file_name).stem or "Take"
    return clean_name(label, "label", max_length=255)


def _script_line(fields: dict[str, str]) -> str | None:
    # The line the artist read (script mode sends it), proofed against what is heard.
    line = " ".join((fields.get("text") or fields.get("script") or "").split())
    return line[:5000] or None


def _script_params(fields: dict[str, str]) -> dict[str, Any]:
    language = (fields.get("language") or "").strip().lower()[:16]
    return {"language": language} if language else {}


def create_original(session: Session, blobs: BlobStore, user_id: str,
                    upload: ReceivedUpload) -> Recording:
    """Keeps the uploaded bytes as they are and records what they hold.

    Transactional: the blob is written, then the row and its waveform job are committed; if
    anything fails after the blob was written, the blob is deleted again.
    """
    folder_id = parse_uuid(upload.fields.get("parent_folder_id"), "parent_folder_id")
    if folder_id is None:
        raise unprocessable("parent_folder_id is required: the folder the take belongs to")
    folder = own_folder(session, user_id, folder_id)
    file_name = safe_filename(upload.filename) or "take"
    label = _label(upload.fields, file_name)
    microphone = (upload.fields.get("microphone") or "file").strip()[:200] or "file"
    info = probe(upload.path)
    check_take_duration(info)
    key = blobs.put_file(upload.path)
    try:
        now = utcnow()
        rec = Recording(
            owner_id=user_id, project_id=folder.project_id, parent_folder_id=folder.id,
            type=ORIGINAL, file_name=file_name, label=label, state="done", microphone=microphone,
            blob_key=key, format=info.format, mime=info.mime, sample_rate=info.sample_rate,
            channels=info.channels, frames=info.frames, size=info.size_bytes,
            duration=info.duration_s, created_at=now, params=_script_params(upload.fields),
            text=_script_line(upload.fields),
        )
        session.add(rec)
        session.flush()
        session.execute(update(Project).where(Project.id == folder.project_id)
                        .values(last_recording_at=now))
        enqueue_waveform(session, rec)
        enqueue_transcript(session, rec)
        session.commit()
    except BaseException:
        session.rollback()
        blobs.delete(key)
        raise
    return rec


def update_recording(session: Session, user_id: str, recording_id: str,
                     changes: dict[str, Any]) -> Recording:
    rec = own_recording(session, user_id, recording_id)
    if changes.get("label") is not None:
        rec.label = clean_name(changes["label"], "label", max_length=255)
    if changes.get("starred") is not None:
        rec.starred = bool(changes["starred"])
    if changes.get("listen_count") is not None:
        rec.listen_count = int(changes["listen_count"])
    if changes.get("parent_folder_id") is not None:
        folder = own_folder(session, user_id, str(changes["parent_folder_id"]))
        moved = [rec, *session.scalars(select(Recording).where(Recording.original_id == rec.id))]
        for item in moved:
            item.parent_folder_id, item.project_id = folder.id, folder.project_id
    session.flush()
    return rec


def delete_recording(session: Session, user_id: str, recording_id: str
                     ) -> tuple[Recording, list[str]]:
    """Deletes a take with its conversions (or one conversion); cancels their queued jobs.
    Returns the blob keys to delete once the commit has landed."""
    from voxbooth.server.services.projects import recording_blob_keys

    rec = own_recording(session, user_id, recording_id)
    keys = recording_blob_keys(
        session, (Recording.id == rec.id) | (Recording.original_id == rec.id))
    for child in session.scalars(select(Recording).where(Recording.original_id == rec.id)):
        session.delete(child)
    session.delete(rec)
    session.flush()
    return rec, keys
