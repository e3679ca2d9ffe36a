from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class ProjectCreate(BaseModel):
    name: str = Field(max_length=200)
    owner: uuid.UUID | None = Field(None, description="your user id (groups are not supported)")
    models: dict[str, Any] | None = Field(None, description="no longer used")


class ProjectUpdate(BaseModel):
    name: str = Field(max_length=200)


class ProjectPublic(BaseModel):
    name: str
    slug: str
    owner: str
    url: str
    models: dict[str, Any]
    id: str
    active: bool
    created_at: datetime
    last_recording_at: datetime | None
