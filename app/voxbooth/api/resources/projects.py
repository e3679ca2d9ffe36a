from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from voxbooth.api.models import Page, Project
from voxbooth.api.pagination import iter_all
from voxbooth.api.progress import Cancel, ProgressCallback
from voxbooth.api.resources.base import Resource
from voxbooth.api.transfers import download_to_file

ProjectSort = Literal["name", "created_at", "last_recording_at"]
Direction = Literal["asc", "desc"]


class Projects(Resource):
    """`/api/projects`: the top of an artist's library."""

    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        sort: ProjectSort | None = None,
        direction: Direction | None = None,
        owner: str | None = None,
    ) -> Page[Project]:
        data = self._get("/api/projects", limit=limit, offset=offset, sort=sort,
                         direction=direction, owner=owner)
        return self._parse_page(Project, data)

    def iter(self, **params: Any) -> Iterator[Project]:
        """Every project, fetched page by page as the caller reads (same filters as `list`)."""
        return iter_all(self.list, **params)

    def create(self, name: str, *, owner: str | None = None,
               idempotency_key: str | None = None) -> Project:
        body: dict[str, Any] = {"name": name}
        if owner is not None:
            body["owner"] = owner
        return self._parse(Project, self._post("/api/projects", body,
                                               idempotency_key=idempotency_key))

    def get(self, project_id: str) -> Project:
        """One project by id (VoxBooth serves this beside the seed's `by-url`)."""
        return self._parse(Project, self._get(f"/api/projects/{project_id}"))

    def rename(self, project_id: str, name: str) -> Project:
        data = self._core.request_json("PATCH", f"/api/projects/{project_id}",
                                       json={"name": name})
        return self._parse(Project, data)

    def delete(self, project_id: str) -> None:
        self._core.request_json("DELETE", f"/api/projects/{project_id}")

    def by_url(self, project_url: str) -> Project:
        return self._parse(Project, self._get("/api/projects/by-url", project_url=project_url))

    def export(
        self,
        project_id: str,
        dest: str | os.PathLike[str],
        *,
        starred_only: bool | None = None,
        on_progress: ProgressCallback | None = None,
        cancel: Cancel = None,
    ) -> Path:
        """Saves the project's zip (audio + manifest.json) to `dest` (a file or a directory)."""
        return download_to_file(
            self._core, f"/api/projects/{project_id}/export", dest,
            params={"starred_only": starred_only}, on_progress=on_progress, cancel=cancel,
        )
