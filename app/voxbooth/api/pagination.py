"""Walking every item of a list endpoint, one page at a time, only as far as the caller reads."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from pydantic import BaseModel

from voxbooth.api.models.base import Page

T = TypeVar("T", bound=BaseModel)

DEFAULT_PAGE_SIZE = 100


def iter_all(
    list_page: Callable[..., Page[T]], /, *, page_size: int = DEFAULT_PAGE_SIZE, **params: Any
) -> Iterator[T]:
    """Yields every item of `list_page(limit=..., offset=..., **params)`, fetching lazily.

    Works with any list method of the client (`client.projects.list`, `client.voices.list`,
    `client.recordings.list`, ...). Stops at an empty or short page, or when the server's
    `pagination.count` is reached.
    """
    offset = int(params.pop("offset", 0) or 0)
    while True:
        page = list_page(limit=page_size, offset=offset, **params)
        yield from page.items
        if not page.items or len(page.items) < page_size or not page.has_more:
            return
        offset = page.next_offset
