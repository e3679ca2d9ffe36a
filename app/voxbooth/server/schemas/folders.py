from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class FolderCreate(BaseModel):
    name: str = Field(max_length=200)
    project_id: uuid.UUID
    parent_id: uuid.UUID | None = None


class FolderUpdate(BaseModel):
    name: str = Field(max_length=200)


class FolderPublic(BaseModel):
    name: str
    project_id: str
    parent_id: str | None
    id: str
    active: bool
    created_at: datetime
