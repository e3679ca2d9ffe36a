"""Helpers every resource service uses: paging, ownership look-ups, names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from voxbooth.server.errors import not_found, unprocessable
from voxbooth.server.models import Folder, Project, Recording

T = TypeVar("T")


def paged(session: Session, statement: Select[Any], limit: int, offset: int,
          order_by: Sequence[Any]) -> tuple[list[Any], int]:
    """Rows of one page and the total count matching `statement`."""
    count = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    rows = session.scalars(statement.order_by(*order_by).limit(limit).offset(offset)).all()
    return list(rows), int(count or 0)


def clean_name(value: str, what: str, max_length: int = 200) -> str:
    """A display name: trimmed, no control characters, not empty."""
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        raise unprocessable(f"The {what} must not be empty")
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise unprocessable(f"The {what} must not contain control characters")
    if len(value) > max_length:
        raise unprocessable(f"The {what} is longer than {max_length} characters")
    return value


def slugify(value: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "untitled"


def own_project(session: Session, user_id: str, project_id: str) -> Project:
    project = session.get(Project, project_id)
    if project is None or project.owner_id != user_id:
        raise not_found("Project")
    return project


def own_folder(session: Session, user_id: str, folder_id: str) -> Folder:
    folder = session.get(Folder, folder_id)
    if folder is None:
        raise not_found("Folder")
    project = session.get(Project, folder.project_id)
    if project is None or project.owner_id != user_id:
        raise not_found("Folder")
    return folder


def own_recording(session: Session, user_id: str, recording_id: str) -> Recording:
    recording = session.get(Recording, recording_id)
    if recording is None or recording.owner_id != user_id:
        raise not_found("Recording")
    return recording
