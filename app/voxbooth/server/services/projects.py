"""Projects: an artist's top-level containers of folders and takes."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from voxbooth.server import jobs
from voxbooth.server.errors import not_found
from voxbooth.server.models import Project, Recording
from voxbooth.server.schemas.common import Direction
from voxbooth.server.schemas.projects import ProjectCreate, ProjectPublic
from voxbooth.server.services.common import clean_name, own_project, paged, slugify


class ProjectSort(StrEnum):
    name = "name"
    created_at = "created_at"
    last_recording_at = "last_recording_at"


def to_public(project: Project) -> ProjectPublic:
    return ProjectPublic(
        name=project.name, slug=project.slug, owner=project.owner_id, url=project.url,
        models=project.models or {}, id=project.id, active=project.active,
        created_at=project.created_at, last_recording_at=project.last_recording_at,
    )


def list_projects(session: Session, user_id: str, *, limit: int, offset: int, sort: ProjectSort,
                  direction: Direction, owner: str | None) -> tuple[list[Project], int]:
    statement = select(Project).where(Project.owner_id == user_id)
    if owner is not None and owner != user_id:
        statement = statement.where(Project.id.is_(None))  # nobody else's projects are visible
    column = {
        ProjectSort.name: func.lower(Project.name),
        ProjectSort.created_at: Project.created_at,
        ProjectSort.last_recording_at: func.coalesce(Project.last_recording_at,
                                                     Project.created_at),
    }[sort]
    ordering = column.asc() if direction is Direction.asc else column.desc()
    tie = Project.id.asc() if direction is Direction.asc else Project.id.desc()
    return paged(session, statement, limit, offset, [ordering, tie])


def _unique_url(session: Session, user_id: str, slug: str) -> str:
    taken = set(session.scalars(
        select(Project.url).where(Project.owner_id == user_id, Project.url.like(f"{slug}%"))
    ))
    url, n = slug, 2
    while url in taken:
        url, n = f"{slug}-{n}", n + 1
    return url


def create_project(session: Session, user_id: str, body: ProjectCreate) -> Project:
    if body.owner is not None and str(body.owner) != user_id:
        raise not_found("Owner")
    name = clean_name(body.name, "project name")
    slug = slugify(name)
    project = Project(owner_id=user_id, name=name, slug=slug, models=body.models or {},
                      url=_unique_url(session, user_id, slug))
    session.add(project)
    session.flush()
    return project


def rename_project(session: Session, user_id: str, project_id: str, name: str) -> Project:
    project = own_project(session, user_id, project_id)
    project.name = clean_name(name, "project name")
    project.slug = slugify(project.name)  # the url stays: links to the project keep working
    session.flush()
    return project


def project_by_url(session: Session, user_id: str, url: str) -> Project:
    url = url.strip().rstrip("/").rsplit("/", 1)[-1]  # accept a full link as well as the url
    project = session.scalar(select(Project).where(Project.owner_id == user_id, Project.url == url))
    if project is None:
        raise not_found("Project")
    return project


def recording_blob_keys(session: Session, *conditions: object) -> list[str]:
    rows = session.execute(
        select(Recording.id, Recording.blob_key, Recording.waveform_key).where(*conditions)  # type: ignore[arg-type]
    ).all()
    for recording_id, _blob, _peaks in rows:
        jobs.cancel_subject(session, recording_id)
    return [key for row in rows for key in row[1:] if key]


def delete_project(session: Session, user_id: str, project_id: str) -> tuple[Project, list[str]]:
    """Deletes the project with its folders and takes; returns the blob keys to delete after
    the commit (a rolled-back delete must not lose audio)."""
    project = own_project(session, user_id, project_id)
    keys = recording_blob_keys(session, Recording.project_id == project.id)
    session.execute(delete(Project).where(Project.id == project.id))
    return project, keys
