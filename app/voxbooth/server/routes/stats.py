"""Statistics of conversions, for the account, projects and folders."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from voxbooth.server.deps import CurrentUser, SessionDep
from voxbooth.server.schemas.stats import AccountStats, FolderStats, ProjectStats
from voxbooth.server.services import stats

router = APIRouter(tags=["stats"])
IdList = Annotated[list[uuid.UUID] | None, Query(max_length=100)]  # a URL of ~4 KB


def _ids(*lists: list[uuid.UUID] | None) -> list[str]:
    return [str(item) for values in lists if values for item in values]


@router.get("/api/stats")
def get_account_stats(user: CurrentUser, session: SessionDep) -> AccountStats:
    """Conversions by state and time converted (seconds), in total and per month and voice."""
    return stats.account_stats(session, user.id)


@router.get("/api/stats/projects")
def get_project_stats(user: CurrentUser, session: SessionDep, project_ids: IdList = None,
                      project_id: IdList = None) -> list[ProjectStats]:
    """Per project (`project_ids`, repeated; all your projects when none is given)."""
    return stats.project_stats(session, user.id, _ids(project_ids, project_id))


@router.get("/api/stats/folders")
def get_folder_stats(user: CurrentUser, session: SessionDep, folder_ids: IdList = None,
                     folder_id: IdList = None) -> list[FolderStats]:
    """Per folder (`folder_ids`, repeated; all your folders when none is given)."""
    return stats.folder_stats(session, user.id, _ids(folder_ids, folder_id))
