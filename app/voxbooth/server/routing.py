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
# Routes that read stored audio and answer 410 when the store has lost it (exports leave a
# lost file out of the zip instead).
_GONE = {"get_recording_file", "get_recording_waveform", "get_accent_sample_file"}
# Routes that run the audio workers on stored or generated audio while they answer (uploads
# do too): its refusals (AudioRejected) are theirs.
_DECODES_AUDIO = {"get_recording_file", "export_original", "export_project",
                  "create_tts_recording", "create_tts_recording_v1"}
# Routes that answer the refusal a job met on the audio (the waveform job).
_JOB_REFUSALS = {"get_recording_waveform"}
_PUBLIC = {"health", "login"}
RETRY_AFTER_HEADER: dict[str, Any] = {"Retry-After": {
    "description": "Seconds to wait before sending the request again",
    "schema": {"type": "integer"}}}

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


def _response(model: type, reasons: list[str], *, retry_after: bool = False
              ) -> dict[str, Any]:
    said = reasons[0] + "".join(f"; or {why[0].lower()}{why[1:]}" for why in reasons[1:])
    response: dict[str, Any] = {"model": model, "description": said}
    if retry_after:
        response["headers"] = RETRY_AFTER_HEADER
    return response


def _statuses(route: APIRoute) -> dict[int, dict[str, Any]]:
    """The error statuses `route` can answer, each with every reason it has for it."""
    from voxbooth.server.deps import get_auth, get_blobs
    from voxbooth.server.idempotency.http import IN_PROGRESS_DETAIL, takes_idempotency
    from voxbooth.server.schemas.errors import ErrorResponse, ValidationErrorResponse

    dependant = route.dependant
    calls = _calls(route)
    upload = bool((route.openapi_extra or {}).get("requestBody"))
    has_input = upload or bool(
        dependant.path_params or dependant.query_params or dependant.body_params)
    authed = get_auth in calls
    unsafe = bool(_methods(route) & _UNSAFE)
    decodes = upload or route.name in _DECODES_AUDIO
    reasons: dict[int, list[str]] = {}

    def add(status: int, reason: str, when: bool = True) -> None:
        if when:
            reasons.setdefault(status, []).append(reason)

    add(401, "Not authenticated, or wrong credentials", authed or route.name == "login")
    add(403, "A cookie session without its X-Csrf-Token", authed and unsafe)
    add(404, "An object named in the request is not yours or not there", authed and has_input)
    add(409, "The object is in a state that does not allow this", route.name in _CONFLICTS)
    idempotent = takes_idempotency(route)
    add(409, f"{IN_PROGRESS_DETAIL}: try again after Retry-After seconds", idempotent)
    add(410, "The stored audio is missing", route.name in _GONE)
    add(400, "A body that is not JSON (or multipart) at all",
        upload or bool(dependant.body_params))
    add(413, "The audio is over the upload limit", upload)
    add(413, "The audio decodes to more samples, or needs more memory, than the service "
             "allows", decodes)
    add(415, "Neither multipart/form-data nor application/json", upload)
    add(422, "Invalid input: which field, and why", has_input)
    add(422, "The audio cannot be decoded, or is outside the limits (the detail says which)",
        decodes)
    add(422, "The waveform cannot be drawn: the audio could not be decoded",
        route.name in _JOB_REFUSALS)
    add(422, "The Idempotency-Key is malformed, or was used for another request", idempotent)
    add(429, "Too many failed logins; wait Retry-After seconds", route.name == "login")
    add(503, "Busy: every database connection in use")
    add(503, "Object storage is unavailable", get_blobs in calls)
    add(503, "The audio workers are not available", decodes)
    add(507, "storage is full")
    models = {422: ValidationErrorResponse}
    retried = {429, 503} | ({409} if idempotent else set())
    return {status: _response(models.get(status, ErrorResponse), why,
                              retry_after=status in retried)
            for status, why in reasons.items()}


def document_errors(routes: list[APIRoute]) -> None:
    """Adds to each operation the error statuses it can answer, with their real bodies.
    Call it before the routers are included: FastAPI reads `responses` when it includes."""
    for route in routes:
        if route.name == "health":
            continue
        for status, response in _statuses(route).items():
            declared = route.responses.get(status)
            if declared is not None and "model" in declared:
                continue  # the route documents this answer itself
            if declared is not None:  # a description of its own, but no body: add ours
                response = {**response, **declared, "model": response["model"]}
            route.responses[status] = response
            # what FastAPI derives from `responses` when a route is made
            route.response_fields[status] = create_model_field(
                name=f"Response_{status}_{route.unique_id}", type_=response["model"],
                mode="serialization")
