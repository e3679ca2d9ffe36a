from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from voxbooth.api.models import Folder, Page
from voxbooth.api.pagination import iter_all
from voxbooth.api.resources.base import Resource


class Folders(Resource):
    """`/api/folders`: folders of a project, nested through `parent_id`."""

    def list(
        self,
        project_id: str,
        *,
        limit: int | None = None,
        offset: int | None = None,
        direction: Literal["asc", "desc"] | None = None,
        parent_id: str | None = None,
    ) -> Page[Folder]:
        data = self._get("/api/folders", project_id=project_id, limit=limit, offset=offset,
                         direction=direction, parent_id=parent_id)
        return self._parse_page(Folder, data)

    def iter(self, project_id: str, **params: Any) -> Iterator[Folder]:
        return iter_all(self.list, project_id=project_id, **params)

    def create(self, project_id: str, name: str, *, parent_id: str | None = None,
               idempotency_key: str | None = None) -> Folder:
        body: dict[str, Any] = {"project_id": project_id, "name": name}
        if parent_id is not None:
            body["parent_id"] = parent_id
        return self._parse(Folder, self._post("/api/folders", body,
                                              idempotency_key=idempotency_key))

    def get(self, folder_id: str) -> Folder:
        return self._parse(Folder, self._get(f"/api/folders/{folder_id}"))

    def rename(self, folder_id: str, name: str) -> Folder:
        data = self._core.request_json("PATCH", f"/api/folders/{folder_id}", json={"name": name})
        return self._parse(Folder, data)

    def delete(self, folder_id: str) -> None:
        self._core.request_json("DELETE", f"/api/folders/{folder_id}")
