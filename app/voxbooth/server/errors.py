"""HTTP errors raised by services, and the handlers that turn errors into `{"detail": ...}`."""

from __future__ import annotations

import logging

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

log = logging.getLogger("voxbooth.server")


def not_found(what: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"{what} not found")


def unprocessable(detail: str) -> HTTPException:
    return HTTPException(status_code=422, detail=detail)


def conflict(detail: str) -> HTTPException:
    return HTTPException(status_code=409, detail=detail)


def install_handlers(app: FastAPI) -> None:
    # Imported here: the media package loads numpy/scipy, which `voxbooth admin` never needs.
    from voxbooth.server.blobs import BlobNotFound
    from voxbooth.server.media.errors import AudioRejected

    @app.exception_handler(AudioRejected)
    async def _audio_rejected(_request: Request, exc: AudioRejected) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status)

    @app.exception_handler(BlobNotFound)
    async def _blob_missing(request: Request, exc: BlobNotFound) -> JSONResponse:
        log.error("blob %s missing for %s %s", exc, request.method, request.url.path)
        return JSONResponse({"detail": "The stored audio is missing"}, status_code=410)

    @app.exception_handler(Exception)
    async def _last_resort(request: Request, exc: Exception) -> JSONResponse:
        # Only reached by a bug: log it whole, tell the client nothing internal.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "Internal server error"}, status_code=500)
