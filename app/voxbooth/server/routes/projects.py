"""Projects."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, Response

from voxbooth.server.deps import BlobsDep, CurrentUser, ScratchDep, SessionDep
from voxbooth.server.idempotency import IdempotentJson
from voxbooth.server.schemas.common import Direction, Limit, Offset, Page, Pagination
from voxbooth.server.schemas.projects import ProjectCreate, ProjectPublic, ProjectUpdate
from voxbooth.server.services import exports, projects
from voxbooth.server.services.common import own_project
from voxbooth.server.services.downloads import temporary_download
from voxbooth.server.services.projects import ProjectSort
from voxbooth.server.services.storage import delete_blobs

router = APIRouter(tags=["projects"])


@router.get("/api/projects")
def list_projects(
    user: CurrentUser, session: SessionDep,
    limit: Limit = 50, offset: Offset = 0,
    sort: ProjectSort = ProjectSort.created_at, direction: Direction = Direction.asc,
    owner: uuid.UUID | None = None,
) -> Page[ProjectPublic]:
    rows, count = projects.list_projects(
        session, user.id, limit=limit, offset=offset, sort=sort, direction=direction,
        owner=str(owner) if owner else None,
    )
    return Page(list=[projects.to_public(p) for p in rows],
                pagination=Pagination(count=count, limit=limit, offset=offset))


@router.post("/api/projects", status_code=201)
def create_project(body: ProjectCreate, user: CurrentUser, session: SessionDep,
                   idempotency: IdempotentJson) -> ProjectPublic:
    project = projects.create_project(session, user.id, body)
    session.commit()
    return projects.to_public(project)


@router.get("/api/projects/by-url")
def get_project_by_url(
    user: CurrentUser, session: SessionDep,
    project_url: Annotated[str, Query(min_length=1, max_length=2048)],
) -> ProjectPublic:
    return projects.to_public(projects.project_by_url(session, user.id, project_url))


@router.get("/api/projects/{project_id}")
def get_project(project_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> ProjectPublic:
    return projects.to_public(own_project(session, user.id, str(project_id)))


@router.patch("/api/projects/{project_id}")
def rename_project(project_id: uuid.UUID, body: ProjectUpdate, user: CurrentUser,
                   session: SessionDep) -> ProjectPublic:
    project = projects.rename_project(session, user.id, str(project_id), body.name)
    session.commit()
    return projects.to_public(project)


@router.delete("/api/projects/{project_id}")
def delete_project(project_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                   blobs: BlobsDep) -> ProjectPublic:
    """Deletes the project with all its folders, takes and conversions."""
    project, keys = projects.delete_project(session, user.id, str(project_id))
    public = projects.to_public(project)
    session.commit()
    delete_blobs(blobs, keys)
    return public


@router.get("/api/projects/{project_id}/export", response_class=FileResponse,
            responses={200: {"content": {"application/zip": {}}}})
def export_project(project_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                   blobs: BlobsDep, scratch: ScratchDep, starred_only: bool = False,
                   name_template: exports.NameTemplateQuery = exports.DEFAULT_TEMPLATE,
                   format: exports.ExportFormat = exports.ExportFormat.original) -> Response:
    """A zip of the project's takes and conversions, with `manifest.json`; named after the
    project, its files after `name_template`, its audio as stored or as `format`."""
    options = exports.export_options(starred_only, name_template, format)
    archive = exports.export_project(session, blobs, scratch, user.id, str(project_id),
                                     options=options)
    return temporary_download(archive.path, media_type="application/zip",
                              filename=archive.filename)
