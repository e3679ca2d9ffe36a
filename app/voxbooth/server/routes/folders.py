"""Folders, nested through `parent_id`."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from voxbooth.server.deps import BlobsDep, CurrentUser, SessionDep
from voxbooth.server.idempotency import IdempotentJson
from voxbooth.server.schemas.common import Direction, Limit, Offset, Page, Pagination
from voxbooth.server.schemas.folders import FolderCreate, FolderPublic, FolderUpdate
from voxbooth.server.services import folders
from voxbooth.server.services.common import own_folder
from voxbooth.server.services.storage import delete_blobs

router = APIRouter(tags=["folders"])


@router.get("/api/folders")
def list_folders(
    project_id: Annotated[str, Query(min_length=1, max_length=2048,
                                     description="the project's id (or its url)")],
    user: CurrentUser, session: SessionDep,
    limit: Limit = 50, offset: Offset = 0,
    direction: Direction = Direction.asc, parent_id: uuid.UUID | None = None,
) -> Page[FolderPublic]:
    """Folders of a project (all levels; `parent_id` narrows to one folder's children).
    The seed describes `project_id` as the project's URL, so a url is accepted too."""
    rows, count = folders.list_folders(
        session, user.id, folders.project_id_or_url(session, user.id, project_id),
        parent_id=str(parent_id) if parent_id else None,
        limit=limit, offset=offset, direction=direction,
    )
    return Page(list=[folders.to_public(f) for f in rows],
                pagination=Pagination(count=count, limit=limit, offset=offset))


@router.post("/api/folders", status_code=201)
def create_folder(body: FolderCreate, user: CurrentUser, session: SessionDep,
                  idempotency: IdempotentJson) -> FolderPublic:
    folder = folders.create_folder(session, user.id, body)
    session.commit()
    return folders.to_public(folder)


@router.get("/api/folders/{folder_id}")
def get_folder(folder_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> FolderPublic:
    return folders.to_public(own_folder(session, user.id, str(folder_id)))


@router.patch("/api/folders/{folder_id}")
def rename_folder(folder_id: uuid.UUID, body: FolderUpdate, user: CurrentUser,
                  session: SessionDep) -> FolderPublic:
    folder = folders.rename_folder(session, user.id, str(folder_id), body.name)
    session.commit()
    return folders.to_public(folder)


@router.delete("/api/folders/{folder_id}")
def delete_folder(folder_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                  blobs: BlobsDep) -> FolderPublic:
    """Deletes the folder with its sub-folders and every take in them."""
    folder, keys = folders.delete_folder(session, user.id, str(folder_id))
    public = folders.to_public(folder)
    session.commit()
    delete_blobs(blobs, keys)
    return public
