"""What every resource shares: the HTTP core and typed parsing of answers."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter

from voxbooth.api._http import HttpCore
from voxbooth.api.errors import VoxBoothError
from voxbooth.api.idempotency import checked_key
from voxbooth.api.models.base import Page

M = TypeVar("M", bound=BaseModel)


class Resource:
    def __init__(self, core: HttpCore) -> None:
        self._core = core

    def _get(self, path: str, **params: Any) -> Any:
        return self._core.request_json("GET", path, params=params)

    def _post(self, path: str, json: Any = None, *, idempotency_key: str | None = None) -> Any:
        """A POST that changes something, sent with an Idempotency-Key (the caller's, else a
        fresh one) and so retried safely: a repeat the service already answered creates
        nothing more."""
        return self._core.request_json("POST", path, json=json,
                                       idempotency_key=checked_key(idempotency_key))

    def _parse(self, model: type[M], data: Any) -> M:
        try:
            return model.model_validate(data)
        except ValueError as exc:
            raise VoxBoothError(
                f"the service's answer is not a {model.__name__}: {exc}",
                detail=f"unexpected answer from the service ({model.__name__})",
            ) from exc

    def _parse_list(self, model: type[M], data: Any) -> list[M]:
        # a bare JSON list, or the list envelope when a server paginates it anyway
        if isinstance(data, dict) and "list" in data:
            data = data["list"]
        try:
            return TypeAdapter(list[model]).validate_python(data)  # type: ignore[valid-type]
        except ValueError as exc:
            raise VoxBoothError(
                f"the service's answer is not a list of {model.__name__}: {exc}",
                detail=f"unexpected answer from the service (list of {model.__name__})",
            ) from exc

    def _parse_page(self, model: type[M], data: Any) -> Page[M]:
        if isinstance(data, list):  # a server that does not paginate: one page holding all
            data = {"list": data, "pagination": {"count": len(data), "limit": len(data)}}
        return self._parse(Page[model], data)  # type: ignore[valid-type]
