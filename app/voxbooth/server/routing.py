"""What the routes declare about themselves: the methods a path allows (for 405 and `Allow`)
and the error statuses each operation can answer (for the OpenAPI schema)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.utils import create_model_field
from starlette.types import Scope

_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Routes that answer 409 when the object is in the wrong state or the name is taken.
_CONFLICTS = {
    "create_note", "create_calibration", "enable_calibration", "create_order",
    "retry_conversion", "get_recording_file", "get_recording_waveform",
}
_GONE = {"get_recording_file", "get_recording_waveform", "get_accent_sample_file"}
_PUBLIC = {"health", "login"}


def api_routes(routers: list[APIRouter]) -> list[APIRoute]:
    """The operations of these routers (included without prefixes, so paths are as declared)."""
    return [r for router in routers for r in router.routes if isinstance(r, APIRoute)]


def _methods(route: APIRoute) -> set[str]:
    return set(route.methods or ())


def _ids_parse(route: APIRoute, path_params: dict[str, str]) -> bool:
    for param in route.dependant.path_params:
        if param.field_info.annotation is uuid.UUID:
            try:
                uuid.UUID(path_params.get(param.name, ""))
            except ValueError:
                return False
    return True


def _routes_for_path(app: FastAPI, path: str) -> list[APIRoute]:
    """The routes that name this path: its pattern matches and its ids are ids (so
    `/api/recordings/originals` is not recording "originals")."""
    routes: list[APIRoute] = app.state.api_routes
    found = []
    for route in routes:
        match = route.path_regex.match(path)
        if match and _ids_parse(route, match.groupdict()):
            found.append(route)
    return found


def allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """Every method of the resource the path names."""
    return sorted({m for r in _routes_for_path(app, scope["path"]) for m in _methods(r)})


def static_route_matches(app: FastAPI, scope: Scope) -> bool:
    """Whether routes name this path (with valid ids) but none takes this method."""
    routes = _routes_for_path(app, scope["path"])
    return bool(routes) and not any(scope["method"] in _methods(r) for r in routes)


def _calls(route: APIRoute) -> set[Any]:
    found: set[Any] = set()
    stack = [route.dependant]
    while stack:
        dependant = stack.pop()
        found.add(dependant.call)
        stack.extend(dependant.dependencies)
    return found


def _error(description: str, model: type) -> dict[str, Any]:
    return {"model": model, "description": description}


def document_errors(routes: list[APIRoute]) -> None:
    """Adds to each operation the error statuses it can answer, with their real bodies.
    Call it before the routers are included: FastAPI reads `responses` when it includes."""
    from voxbooth.server.deps import get_auth
    from voxbooth.server.schemas.errors import ErrorResponse, ValidationErrorResponse

    for route in routes:
        if route.name == "health":
            continue
        dependant = route.dependant
        upload = bool((route.openapi_extra or {}).get("requestBody"))
        has_input = upload or bool(
            dependant.path_params or dependant.query_params or dependant.body_params)
        authed = get_auth in _calls(route)
        unsafe = bool(_methods(route) & _UNSAFE)
        statuses: dict[int, dict[str, Any]] = {}
        if authed or route.name == "login":
            statuses[401] = _error("Not authenticated, or wrong credentials", ErrorResponse)
        if authed and unsafe:
            statuses[403] = _error("A cookie session without its X-Csrf-Token", ErrorResponse)
        if authed and has_input:
            statuses[404] = _error("An object named in the request is not yours or not there",
                                   ErrorResponse)
        if route.name in _CONFLICTS:
            statuses[409] = _error("The object is in a state that does not allow this",
                                   ErrorResponse)
        if route.name in _GONE:
            statuses[410] = _error("The stored audio is missing", ErrorResponse)
        if upload or dependant.body_params:
            statuses[400] = _error("A body that is not JSON (or multipart) at all",
                                   ErrorResponse)
        if upload:
            statuses[413] = _error("The audio is over the upload limit", ErrorResponse)
            statuses[415] = _error("Neither multipart/form-data nor application/json",
                                   ErrorResponse)
        if has_input:
            statuses[422] = _error("Invalid input: which field, and why",
                                   ValidationErrorResponse)
        if route.name == "login":
            statuses[429] = _error("Too many failed logins; wait Retry-After seconds",
                                   ErrorResponse)
        statuses[503] = _error("Busy: every database connection in use; retry after "
                               "Retry-After seconds", ErrorResponse)
        statuses[507] = _error("storage is full", ErrorResponse)
        for status, response in statuses.items():
            if status in route.responses:
                continue
            route.responses[status] = response
            # what FastAPI derives from `responses` when a route is made
            route.response_fields[status] = create_model_field(
                name=f"Response_{status}_{route.unique_id}", type_=response["model"],
                mode="serialization")
