"""Shapes shared by every resource: the list envelope and query limits."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

T = TypeVar("T")

MAX_LIMIT = 1000


class Pagination(BaseModel):
    count: int
    limit: int
    offset: int


class Page(BaseModel, Generic[T]):
    """`{"list": [...], "pagination": {count, limit, offset}}`; `count` is the total matching."""

    list: list[T]
    pagination: Pagination


class Direction(StrEnum):
    asc = "asc"
    desc = "desc"


class Detail(BaseModel):
    detail: str


Limit = Annotated[int, Query(ge=0, le=MAX_LIMIT, description=f"at most {MAX_LIMIT}")]


Offset = Annotated[int, Query(ge=0, le=2**31 - 1)]
