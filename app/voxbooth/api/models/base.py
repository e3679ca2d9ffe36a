"""The base of every model, and the list envelope shared by every paginated endpoint."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)


class VoxModel(BaseModel):
    """Unknown fields from a newer or foreign server are kept (`model_extra`), never fatal."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Pagination(VoxModel):
    count: int = 0
    limit: int = 0
    offset: int = 0


T = TypeVar("T", bound=BaseModel)


class Page(VoxModel, Generic[T]):
    """One page of a list endpoint: `{"list": [...], "pagination": {count, limit, offset}}`."""

    items: list[T] = Field(default_factory=list, alias="list")
    pagination: Pagination = Field(default_factory=Pagination)

    @property
    def next_offset(self) -> int:
        return self.pagination.offset + len(self.items)

    @property
    def has_more(self) -> bool:
        """More items after this page (the server counts all of them in `pagination.count`)."""
        return bool(self.items) and self.next_offset < self.pagination.count


def _lenient_datetime(value: Any, handler: ValidatorFunctionWrapHandler) -> datetime | None:
    # One impossible date from a server (a catalogue's "2026-02-29") must not make a whole
    # list unreadable: the time is shown as unknown instead.
    try:
        return handler(value)
    except ValidationError:
        return None


#: a timestamp field: ISO 8601 parsed to datetime; None when absent or impossible
Timestamp = Annotated[datetime | None, WrapValidator(_lenient_datetime)]
