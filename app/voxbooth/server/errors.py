"""HTTP errors raised by services, and the handlers that turn every failure into an answer.

Each answer is `{"detail": ...}`: a string, or for 422 always the `[{loc, msg, type}]` list.
Failures of the machine rather than the request say so: 503 with `Retry-After` when the
database is busy, 507 "storage is full" when a disk or the database is out of space. Nothing a
client sends ends in a 500, and no error closes the keep-alive connection (`ErrorBoundary`).
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from voxbooth.server.routing import allowed_methods, static_route_matches

log = logging.getLogger("voxbooth.server")

STORAGE_FULL = "storage is full"
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
# SQLite says "database or disk is full"; PostgreSQL's SQLSTATE class 53 is "insufficient
# resources" (53100 disk_full)
_FULL_DB_WORDS = ("disk is full", "no space left", "could not extend file", "disk full")


class Unprocessable(HTTPException):
    """A 422 whose `loc` names the field to blame (the `[{loc, msg, type}]` item)."""

    def __init__(self, detail: str, loc: tuple[str | int, ...] = ("body",)) -> None:
        super().__init__(status_code=422, detail=detail)
        self.loc = loc


def not_found(what: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"{what} not found")


def unprocessable(detail: str, loc: tuple[str | int, ...] = ("body",)) -> HTTPException:
    return Unprocessable(detail, loc)


def conflict(detail: str) -> HTTPException:
    return HTTPException(status_code=409, detail=detail)


class ErrorJSONResponse(JSONResponse):
    """Error bodies are pure ASCII JSON: whatever text a client sent is echoed safely."""

    def render(self, content: Any) -> bytes:
        import json

        return json.dumps(content, ensure_ascii=True, allow_nan=False,
                          separators=(",", ":")).encode("ascii")


def validation_list(detail: str, loc: tuple[str | int, ...] = ("body",),
                    kind: str = "value_error") -> list[dict[str, Any]]:
    return [{"loc": list(loc), "msg": detail, "type": kind}]


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what caused it, and the members of exception groups, depth first."""
    seen: set[int] = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            stack.extend(current.exceptions)
        for linked in (current.__cause__, current.__context__,
                       getattr(current, "orig", None)):
            if isinstance(linked, BaseException):
                stack.append(linked)


def _storage_full(exc: BaseException) -> bool:
    for cause in _causes(exc):
        if isinstance(cause, OSError) and cause.errno in _FULL_ERRNOS:
            return True
        sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        if isinstance(sqlstate, str) and sqlstate.startswith("53"):
            return True
        if type(cause).__name__ in ("OperationalError", "DiskFull") and any(
                word in str(cause).lower() for word in _FULL_DB_WORDS):
            return True
    return False


def _database_busy(exc: BaseException) -> bool:
    """Every connection in use, or the database asks for a retry (`busy.is_busy`)."""
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from voxbooth.server.busy import is_busy

    for cause in _causes(exc):
        if isinstance(cause, PoolTimeout) or is_busy(cause):
            return True
        if type(cause).__name__ == "OperationalError" and "database is locked" in str(cause):
            return True
    return False


def answer_for(request_app: Any, exc: BaseException) -> ErrorJSONResponse:
    """What to answer for an exception no route turned into an HTTP error."""
    if _storage_full(exc):
        log.error("storage is full: %s", exc)
        return ErrorJSONResponse({"detail": STORAGE_FULL}, status_code=507)
    if _database_busy(exc):
        settings = getattr(getattr(request_app, "state", None), "settings", None)
        retry_after = str(getattr(settings, "busy_retry_after_s", 1))
        log.warning("database busy, answering 503: %s", exc)
        return ErrorJSONResponse(
            {"detail": f"The database is busy; retry in {retry_after} s"},
            status_code=503, headers={"Retry-After": retry_after})
    log.error("unhandled error", exc_info=exc)
    return ErrorJSONResponse({"detail": "Internal server error"}, status_code=500)


class ErrorBoundary:
    """ASGI middleware inside Starlette's ServerErrorMiddleware: an exception that reaches it
    before the response started is answered (507, 503 or 500) and not re-raised, so the server
    keeps the connection open; one raised mid-response still propagates."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise
            response = answer_for(scope.get("app"), exc)
            await response(scope, receive, send)


def _method_not_allowed(request: Request) -> ErrorJSONResponse:
    allowed = allowed_methods(request.app, request.scope)
    return ErrorJSONResponse(
        {"detail": f"Method {request.method} not allowed on {request.url.path}; "
                   f"use {', '.join(allowed)}"},
        status_code=405, headers={"Allow": ", ".join(allowed)})


def install_handlers(app: FastAPI) -> None:
    # Imported here: the media package loads numpy/scipy, which `voxbooth admin` never needs.
    from voxbooth.server.blobs import BlobNotFound, BlobStoreUnavailable
    from voxbooth.server.media.errors import AudioRejected

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> ErrorJSONResponse:
        if exc.status_code == 405:
            return _method_not_allowed(request)
        detail: Any = exc.detail
        if exc.status_code == 422 and not isinstance(detail, list):
            detail = validation_list(str(detail), getattr(exc, "loc", ("body",)))
        return ErrorJSONResponse({"detail": detail}, status_code=exc.status_code,
                                 headers=dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> ErrorJSONResponse:
        # DELETE /api/recordings/originals names a fixed resource that has no DELETE: the
        # {recording_id} route only matched it as an id. That is 405, not a bad UUID.
        if static_route_matches(request.app, request.scope) and any(
                error.get("loc", ("",))[0] == "path" for error in exc.errors()):
            return _method_not_allowed(request)
        return ErrorJSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)

    @app.exception_handler(AudioRejected)
    async def _audio_rejected(_request: Request, exc: AudioRejected) -> ErrorJSONResponse:
        detail: Any = exc.detail
        if exc.status == 422:
            detail = validation_list(exc.detail, ("body",))
        headers = {"Retry-After": "1"} if exc.status == 503 else None  # workers restarting
        return ErrorJSONResponse({"detail": detail}, status_code=exc.status, headers=headers)

    @app.exception_handler(BlobNotFound)
    async def _blob_missing(request: Request, exc: BlobNotFound) -> ErrorJSONResponse:
        """The row exists, its stored audio does not: the client's `Gone`."""
        log.error("blob %s missing for %s %s", exc, request.method, request.url.path)
        return ErrorJSONResponse({"detail": "The stored audio is missing"}, status_code=410)

    @app.exception_handler(BlobStoreUnavailable)
    async def _store_unavailable(_request: Request, exc: BlobStoreUnavailable
                                 ) -> ErrorJSONResponse:
        log.error("blob store unavailable: %s", exc)
        return ErrorJSONResponse({"detail": "Object storage is unavailable; try again shortly"},
                                 status_code=503, headers={"Retry-After": "5"})

    app.add_middleware(ErrorBoundary)
