from __future__ import annotations

from voxbooth.api.models.base import Timestamp, VoxModel


class Folder(VoxModel):
    id: str
    name: str
    project_id: str | None = None
    parent_id: str | None = None
    active: bool = True
    created_at: Timestamp = None
