from __future__ import annotations

from typing import Any

from pydantic import Field

from voxbooth.api.models.base import Timestamp, VoxModel


class Project(VoxModel):
    id: str
    name: str
    slug: str | None = None
    owner: str | None = None
    url: str | None = None
    models: dict[str, Any] = Field(default_factory=dict)
    active: bool = True
    created_at: Timestamp = None
    last_recording_at: Timestamp = None
