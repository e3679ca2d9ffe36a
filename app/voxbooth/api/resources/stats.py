from __future__ import annotations

from collections.abc import Sequence

from voxbooth.api.models import AccountStats, FolderStats, ProjectStats
from voxbooth.api.resources.base import Resource


class Stats(Resource):
    """`/api/stats`: converted time and conversion counts."""

    def account(self) -> AccountStats:
        return self._parse(AccountStats, self._get("/api/stats"))

    def projects(self, project_ids: Sequence[str] | None = None) -> list[ProjectStats]:
        """Per project (every project of the account when no ids are given)."""
        data = self._get("/api/stats/projects",
                         project_ids=list(project_ids) if project_ids else None)
        return self._parse_list(ProjectStats, data)

    def folders(self, folder_ids: Sequence[str] | None = None) -> list[FolderStats]:
        """Per folder (every folder of the account when no ids are given)."""
        data = self._get("/api/stats/folders",
                         folder_ids=list(folder_ids) if folder_ids else None)
        return self._parse_list(FolderStats, data)
