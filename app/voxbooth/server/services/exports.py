"""Export zips: a project, or one original with its conversions, beside a `manifest.json`
(voice, accent, semitones, calibration, note, stars) so the artist's choices travel with them.

File names come from a template of the artist's words and are safe on every file system
(`export_names`); the audio is kept as stored, or written as 24-bit WAV, FLAC or MP3.
"""

from __future__ import annotations

import json
import logging
import shutil
import zipfile
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import HTTPException, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from voxbooth.server.blobs import COPY_CHUNK_BYTES, BlobNotFound, BlobStore
from voxbooth.server.db import utcnow
from voxbooth.server.media import transcode
from voxbooth.server.models import Folder, Project, Recording
from voxbooth.server.scratch import Scratch
from voxbooth.server.services.common import own_project, own_recording
from voxbooth.server.services.export_names import (
    DEFAULT_TEMPLATE,
    MAX_TEMPLATE_CHARS,
    check_template,
    portable_name,
    render_name,
    unique_key,
)

log = logging.getLogger("voxbooth.server")


class ExportFormat(StrEnum):
    original = "original"  # each file as stored (an upload byte for byte)
    wav = "wav"  # 24-bit PCM
    flac = "flac"
    mp3 = "mp3"


NameTemplateQuery = Annotated[str, Query(
    max_length=MAX_TEMPLATE_CHARS,
    description="File names from fields {project}, {folder}, {line} (the original's label), "
                "{take} (the file's own label) and {voice}; made safe on Windows, macOS and "
                "Linux. Default: " + DEFAULT_TEMPLATE)]

_SUBTYPES = {ExportFormat.wav: "PCM_24", ExportFormat.flac: "PCM_24"}


@dataclass(frozen=True)
class ExportOptions:
    name_template: str = DEFAULT_TEMPLATE
    audio_format: ExportFormat = ExportFormat.original
    starred_only: bool = False

    def __post_init__(self) -> None:
        check_template(self.name_template)  # ValueError naming the problem


def export_options(starred_only: bool, name_template: str,
                   audio_format: ExportFormat) -> ExportOptions:
    """The export's choices from its query, or a 422 naming what is wrong with the template."""
    try:
        return ExportOptions(name_template, audio_format, starred_only)
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=[{
            "loc": ["query", "name_template"], "msg": str(exc), "type": "value_error",
            "input": name_template}]) from None


@dataclass
class Archive:
    path: Path
    filename: str


@dataclass
class _Names:
    """What a take's file name may be made of, besides its own label and voice."""

    project: str = ""
    folders: dict[str | None, str] = field(default_factory=dict)  # folder id -> its name
    lines: dict[str, str] = field(default_factory=dict)  # original id -> its label


def _entry(rec: Recording, path: str | None) -> dict[str, Any]:
    params = rec.params or {}
    return {
        "path": path, "id": rec.id, "type": rec.type, "label": rec.label,
        "file_name": rec.file_name, "original_id": rec.original_id, "state": rec.state,
        "voice": rec.model_name, "voice_id": rec.model_id,
        "accent_id": params.get("accent_id"),
        "narration_style_id": params.get("narration_style_id"),
        "semitones": params.get("semitones_correction"),
        "calibration": {"id": rec.calibration_id, "name": rec.calibration_name,
                        "f0": rec.calibration_value} if rec.calibration_id else None,
        "note": rec.note.text if rec.note else None, "starred": rec.starred,
        "duration": rec.duration, "sample_rate": rec.sample_rate, "channels": rec.channels,
        "format": rec.format, "created_at": rec.created_at.isoformat(),
        "converted_at": rec.converted_at.isoformat() if rec.converted_at else None,
    }


class _Writer:
    def __init__(self, blobs: BlobStore, scratch: Scratch, options: ExportOptions,
                 names: _Names) -> None:
        self.path = scratch.new_file("export-", ".zip")
        self.blobs = blobs
        self.scratch = scratch
        self.options = options
        self.names = names
        try:
            self.zip = zipfile.ZipFile(self.path, "w", zipfile.ZIP_STORED, allowZip64=True)
        except BaseException:
            self.path.unlink(missing_ok=True)
            raise
        self.taken: set[str] = set()  # case-insensitively: Windows and macOS would collide
        self.entries: list[dict[str, Any]] = []

    def _unique(self, stem: str, ext: str) -> str:
        candidate, n = f"{stem}.{ext}", 2
        while unique_key(candidate) in self.taken:
            candidate = f"{stem} ({n}).{ext}"
            n += 1
        self.taken.add(unique_key(candidate))
        return candidate

    def _file_name(self, rec: Recording) -> str:
        own = rec.label or Path(rec.file_name).stem
        line = self.names.lines.get(rec.original_id or "", own) if rec.original_id else own
        voice = (rec.model_name or "") if rec.type == "conversion" else ""
        return render_name(self.options.name_template, {
            "project": self.names.project, "line": line, "take": own, "voice": voice,
            "folder": self.names.folders.get(rec.parent_folder_id, ""),
        })

    def _extension(self, rec: Recording) -> str:
        if self.options.audio_format is not ExportFormat.original:
            return self.options.audio_format.value
        if rec.type == "conversion":
            return rec.format or "wav"
        return portable_name(Path(rec.file_name).suffix.lstrip("."), "") or rec.format or "wav"

    def add(self, rec: Recording, folder_path: str) -> None:
        path = None
        if rec.blob_key:
            path = self._unique(folder_path + self._file_name(rec), self._extension(rec))
            copied = self._copy(rec, path) if self.options.audio_format is ExportFormat.original \
                else self._convert(rec, path)
            if not copied:
                self.taken.discard(unique_key(path))
                path = None
        self.entries.append(_entry(rec, path))

    def _copy(self, rec: Recording, name: str) -> bool:
        """Streams the blob into the zip; False when it is missing from the store."""
        try:
            stored = self.blobs.open(rec.blob_key or "")
        except BlobNotFound:  # a lost file must not cost the artist the rest of the export
            log.error("export: blob %s of recording %s is missing", rec.blob_key, rec.id)
            return False
        info = zipfile.ZipInfo(name, date_time=rec.created_at.timetuple()[:6])
        info.compress_type = zipfile.ZIP_STORED
        with stored, self.zip.open(info, "w", force_zip64=True) as entry:
            shutil.copyfileobj(stored, entry, COPY_CHUNK_BYTES)
        return True

    def _convert(self, rec: Recording, name: str) -> bool:
        """Writes the blob re-encoded in the chosen format; False when it is missing."""
        fmt = self.options.audio_format
        try:
            with self.blobs.local_copy(rec.blob_key or "") as source:
                converted = self.scratch.new_file("export-", "." + fmt.value)
                try:
                    transcode(source, converted, fmt.value, subtype=_SUBTYPES.get(fmt))
                    info = zipfile.ZipInfo(name, date_time=rec.created_at.timetuple()[:6])
                    with converted.open("rb") as encoded, \
                            self.zip.open(info, "w", force_zip64=True) as entry:
                        shutil.copyfileobj(encoded, entry, COPY_CHUNK_BYTES)
                finally:
                    converted.unlink(missing_ok=True)
        except BlobNotFound:
            log.error("export: blob %s of recording %s is missing", rec.blob_key, rec.id)
            return False
        return True

    def close(self, header: dict[str, Any]) -> None:
        manifest = {**header, "exported_at": utcnow().isoformat(), "recordings": self.entries}
        self.zip.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        self.zip.close()

    def abort(self) -> None:
        try:
            self.zip.close()
        except Exception:  # the disk that failed the export may fail the close too
            log.warning("export: could not close the zip being discarded", exc_info=True)
        finally:
            self.path.unlink(missing_ok=True)


def _folders(session: Session, project_id: str) -> dict[str, Folder]:
    return {f.id: f for f in session.scalars(select(Folder).where(
        Folder.project_id == project_id))}


def _folder_paths(folders: dict[str, Folder]) -> dict[str | None, str]:
    paths: dict[str | None, str] = {None: ""}

    def path_of(folder_id: str, depth: int = 0) -> str:
        if folder_id in paths:
            return paths[folder_id]
        folder = folders[folder_id]
        parent = path_of(folder.parent_id, depth + 1) if folder.parent_id and depth < 64 else ""
        paths[folder_id] = f"{parent}{portable_name(folder.name, 'folder')}/"
        return paths[folder_id]

    for folder_id in folders:
        path_of(folder_id)
    return paths


def _original_labels(session: Session, project_id: str) -> dict[str, str]:
    rows = session.execute(select(Recording.id, Recording.label).where(
        Recording.project_id == project_id, Recording.type != "conversion"))
    return {rec_id: label or "" for rec_id, label in rows}


def export_project(session: Session, blobs: BlobStore, scratch: Scratch, user_id: str,
                   project_id: str, *, starred_only: bool = False,
                   options: ExportOptions | None = None) -> Archive:
    options = options or ExportOptions(starred_only=starred_only)
    project: Project = own_project(session, user_id, project_id)
    folders = _folders(session, project.id)
    paths = _folder_paths(folders)
    names = _Names(project.name, {k: f.name for k, f in folders.items()},
                   _original_labels(session, project.id))
    statement = select(Recording).where(Recording.project_id == project.id)
    if options.starred_only:
        statement = statement.where(Recording.starred.is_(True))
    writer = _Writer(blobs, scratch, options, names)
    try:
        for rec in session.scalars(statement.order_by(Recording.created_at, Recording.id)):
            writer.add(rec, paths.get(rec.parent_folder_id, ""))
        writer.close({"project": {"id": project.id, "name": project.name, "url": project.url},
                      "starred_only": options.starred_only,
                      "name_template": options.name_template,
                      "audio_format": options.audio_format.value})
    except BaseException:
        writer.abort()
        raise
    return Archive(writer.path, f"{portable_name(project.name, 'project')}.zip")


def export_original(session: Session, blobs: BlobStore, scratch: Scratch, user_id: str,
                    original_id: str, *, starred_only: bool = False,
                    options: ExportOptions | None = None) -> Archive:
    options = options or ExportOptions(starred_only=starred_only)
    original = own_recording(session, user_id, original_id)
    project = session.get(Project, original.project_id) if original.project_id else None
    folder = session.get(Folder, original.parent_folder_id) if original.parent_folder_id \
        else None
    names = _Names(project.name if project else "",
                   {folder.id: folder.name} if folder else {},
                   {original.id: original.label or ""})
    statement = select(Recording).where(Recording.original_id == original.id)
    if options.starred_only:
        statement = statement.where(Recording.starred.is_(True))
    writer = _Writer(blobs, scratch, options, names)
    try:
        writer.add(original, "")
        for rec in session.scalars(statement.order_by(Recording.created_at, Recording.id)):
            writer.add(rec, "")
        writer.close({"original": {"id": original.id, "label": original.label},
                      "starred_only": options.starred_only,
                      "name_template": options.name_template,
                      "audio_format": options.audio_format.value})
    except BaseException:
        writer.abort()
        raise
    return Archive(writer.path, f"{portable_name(original.label or '', 'take')}.zip")
