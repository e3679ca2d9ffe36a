"""Export zips: a project, or one original with its conversions, beside a `manifest.json`
(voice, accent, semitones, calibration, note, stars) so the artist's choices travel with them."""

from __future__ import annotations

import json
import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from voxbooth.server.blobs import BlobNotFound, BlobStore
from voxbooth.server.db import utcnow
from voxbooth.server.models import Folder, Project, Recording
from voxbooth.server.services.common import own_project, own_recording, slugify
from voxbooth.server.services.storage import temp_path
from voxbooth.server.uploads import safe_filename

log = logging.getLogger("voxbooth.server")


@dataclass
class Archive:
    path: Path
    filename: str


def _safe_part(name: str, fallback: str) -> str:
    part = safe_filename(name.replace("/", "_").replace("\\", "_")) or fallback
    return part.lstrip(".") or fallback


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
    def __init__(self, blobs: BlobStore, tmp_dir: Path) -> None:
        self.path = temp_path(tmp_dir, "export-", ".zip")
        self.blobs = blobs
        self.zip = zipfile.ZipFile(self.path, "w", zipfile.ZIP_STORED, allowZip64=True)
        self.names: set[str] = set()
        self.entries: list[dict[str, Any]] = []

    def _unique(self, name: str) -> str:
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""
        candidate, n = name, 2
        while candidate in self.names:
            candidate = f"{stem} ({n}){'.' + ext if ext else ''}"
            n += 1
        self.names.add(candidate)
        return candidate

    def add(self, rec: Recording, folder_path: str) -> None:
        path = None
        try:
            source = self.blobs.path(rec.blob_key) if rec.blob_key else None
        except BlobNotFound:  # a lost file must not cost the artist the rest of the export
            log.error("export: blob %s of recording %s is missing", rec.blob_key, rec.id)
            source = None
        if source is not None:
            ext = Path(rec.file_name).suffix.lstrip(".") or rec.format or "wav"
            if rec.type == "conversion":
                ext = rec.format or "wav"
            stem = _safe_part(rec.label or Path(rec.file_name).stem, "take")
            if rec.type == "conversion" and rec.model_name:
                stem = f"{stem} - {_safe_part(rec.model_name, 'voice')}"
            path = self._unique(f"{folder_path}{stem}.{ext}")
            self.zip.write(source, path)
        self.entries.append(_entry(rec, path))

    def close(self, header: dict[str, Any]) -> None:
        manifest = {**header, "exported_at": utcnow().isoformat(), "recordings": self.entries}
        self.zip.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        self.zip.close()

    def abort(self) -> None:
        try:
            self.zip.close()  # on a full disk this fails too: the file goes all the same
        except OSError:
            pass
        finally:
            self.path.unlink(missing_ok=True)


def _folder_paths(session: Session, project_id: str) -> dict[str | None, str]:
    folders = {f.id: f for f in session.scalars(select(Folder).where(
        Folder.project_id == project_id))}
    paths: dict[str | None, str] = {None: ""}

    def path_of(folder_id: str, depth: int = 0) -> str:
        if folder_id in paths:
            return paths[folder_id]
        folder = folders[folder_id]
        parent = path_of(folder.parent_id, depth + 1) if folder.parent_id and depth < 64 else ""
        paths[folder_id] = f"{parent}{_safe_part(folder.name, 'folder')}/"
        return paths[folder_id]

    for folder_id in folders:
        path_of(folder_id)
    return paths


def export_project(session: Session, blobs: BlobStore, tmp_dir: Path, user_id: str,
                   project_id: str, *, starred_only: bool) -> Archive:
    project: Project = own_project(session, user_id, project_id)
    paths = _folder_paths(session, project.id)
    statement = select(Recording).where(Recording.project_id == project.id)
    if starred_only:
        statement = statement.where(Recording.starred.is_(True))
    writer = _Writer(blobs, tmp_dir)
    try:
        for rec in session.scalars(statement.order_by(Recording.created_at, Recording.id)):
            writer.add(rec, paths.get(rec.parent_folder_id, ""))
        writer.close({"project": {"id": project.id, "name": project.name, "url": project.url},
                      "starred_only": starred_only})
    except BaseException:
        writer.abort()
        raise
    return Archive(writer.path, f"{slugify(project.name)}.zip")


def export_original(session: Session, blobs: BlobStore, tmp_dir: Path, user_id: str,
                    original_id: str, *, starred_only: bool) -> Archive:
    original = own_recording(session, user_id, original_id)
    statement = select(Recording).where(Recording.original_id == original.id)
    if starred_only:
        statement = statement.where(Recording.starred.is_(True))
    writer = _Writer(blobs, tmp_dir)
    try:
        writer.add(original, "")
        for rec in session.scalars(statement.order_by(Recording.created_at, Recording.id)):
            writer.add(rec, "")
        writer.close({"original": {"id": original.id, "label": original.label},
                      "starred_only": starred_only})
    except BaseException:
        writer.abort()
        raise
    return Archive(writer.path, f"{slugify(original.label)}.zip")
