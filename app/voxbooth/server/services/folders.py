"""Folders: nested inside a project through `parent_id`."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from voxbooth.server.errors import not_found
from voxbooth.server.models import Folder, Recording
from voxbooth.server.schemas.common import Direction
from voxbooth.server.schemas.folders import FolderCreate, FolderPublic
from voxbooth.server.services.common import clean_name, own_folder, own_project, paged
from voxbooth.server.services.projects import project_by_url, recording_blob_keys

MAX_DEPTH = 32


def to_public(folder: Folder) -> FolderPublic:
    return FolderPublic(name=folder.name, project_id=folder.project_id, parent_id=folder.parent_id,
                        id=folder.id, active=folder.active, created_at=folder.created_at)


def list_folders(session: Session, user_id: str, project_id: str, *, parent_id: str | None,
                 limit: int, offset: int, direction: Direction) -> tuple[list[Folder], int]:
    own_project(session, user_id, project_id)
    statement = select(Folder).where(Folder.project_id == project_id)
    if parent_id is not None:
        statement = statement.where(Folder.parent_id == parent_id)
    asc = direction is Direction.asc
    order = [Folder.created_at.asc() if asc else Folder.created_at.desc(),
             Folder.id.asc() if asc else Folder.id.desc()]
    return paged(session, statement, limit, offset, order)


def project_id_or_url(session: Session, user_id: str, value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return project_by_url(session, user_id, value).id


def _depth(session: Session, folder: Folder) -> int:
    depth, parent_id = 1, folder.parent_id
    while parent_id is not None and depth <= MAX_DEPTH:
        parent_id = session.scalar(select(Folder.parent_id).where(Folder.id == parent_id))
        depth += 1
    return depth


def create_folder(session: Session, user_id: str, body: FolderCreate) -> Folder:
    project = own_project(session, user_id, str(body.project_id))
    folder = Folder(project_id=project.id, name=clean_name(body.name, "folder name"))
    if body.parent_id is not None:
        parent = own_folder(session, user_id, str(body.parent_id))
        if parent.project_id != project.id:
            raise not_found("Parent folder in this project")
        folder.parent_id = parent.id
        if _depth(session, folder) > MAX_DEPTH:
            from voxbooth.server.errors import unprocessable

            raise unprocessable(f"Folders nest at most {MAX_DEPTH} deep")
    session.add(folder)
    session.flush()
    return folder


def rename_folder(session: Session, user_id: str, folder_id: str, name: str) -> Folder:
    folder = own_folder(session, user_id, folder_id)
    folder.name = clean_name(name, "folder name")
    session.flush()
    return folder


def subtree_ids(session: Session, folder_id: str) -> list[str]:
    ids, frontier = [folder_id], [folder_id]
    while frontier:
        frontier = list(session.scalars(select(Folder.id).where(Folder.parent_id.in_(frontier))))
        ids.extend(frontier)
    return ids


def delete_folder(session: Session, user_id: str, folder_id: str) -> tuple[Folder, list[str]]:
    """Deletes the folder, its sub-folders and their takes; returns blob keys to delete after
    the commit."""
    folder = own_folder(session, user_id, folder_id)
    ids = subtree_ids(session, folder.id)
    keys = recording_blob_keys(session, Recording.parent_folder_id.in_(ids))
    session.execute(delete(Recording).where(Recording.parent_folder_id.in_(ids)))
    session.execute(delete(Folder).where(Folder.id == folder.id))
    return folder, keys


def count_folders(session: Session, project_id: str) -> int:
    return int(session.scalar(select(func.count()).where(Folder.project_id == project_id)) or 0)
