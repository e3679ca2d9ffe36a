"""Receiving an uploaded take: multipart (002 `data`, 000 `file`) or JSON with base64 (001).

The body is streamed from `request.stream()` into a temporary file; nothing holds it whole in
memory, and only the receiving runs on the event loop (blocks of it go to worker threads).
Over `max_bytes` the request is refused with 413 before the body is read when Content-Length
says so, otherwise as soon as the count passes the limit. Every failure removes
the temporary file and raises `UploadRejected` (an HTTPException, so FastAPI answers
`{"detail": ...}`).

Routes must not declare `File`/`Form` parameters for these bodies (FastAPI would parse the body
first); they take the `Request` and call `receive_upload`, and may pass `UPLOAD_OPENAPI` as
`openapi_extra` so /docs still shows the body.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from anyio import to_thread
from starlette.requests import Request

from voxbooth.server.uploads.common import (
    MAX_FIELD_BYTES,
    MAX_FIELDS,
    ReceivedUpload,
    SpoolFile,
    UploadRejected,
    no_file_detail,
    safe_filename,
    too_large,
)
from voxbooth.server.uploads.json_body import parse_json_file
from voxbooth.server.uploads.multipart import MultipartReceiver, MultipartResult

__all__ = [
    "UPLOAD_OPENAPI",
    "ReceivedUpload",
    "UploadRejected",
    "receive_upload",
    "safe_filename",
]

# Room for the text fields and part headers around the file in a multipart body.
_MULTIPART_ENVELOPE_BYTES = MAX_FIELDS * 1024 + 64 * 1024
_JSON_ENVELOPE_BYTES = 64 * 1024


def body_allowance(content_type: str, max_bytes: int) -> int:
    """The largest body that can carry a `max_bytes` file in this encoding."""
    if content_type == "application/json":
        # base64 is 4/3 of the file; line breaks (escaped "\n" every 76 characters) add 3 %
        base64_chars = -(-max_bytes // 3) * 4
        return base64_chars + base64_chars // 30 + _JSON_ENVELOPE_BYTES + MAX_FIELDS * 1024
    return max_bytes + _MULTIPART_ENVELOPE_BYTES + MAX_FIELDS * MAX_FIELD_BYTES // 8


async def _blocks(request: Request, allowance: int, max_bytes: int) -> AsyncIterator[bytes]:
    """The body as it arrives, refused with 413 as soon as it passes `allowance`. Each piece
    goes to a worker thread at once (batching would leave a slow upload's first bytes in
    memory, not on disk); under load pieces arrive larger, so the hops stay few."""
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > allowance:
            raise too_large(max_bytes)
        if chunk:
            yield chunk


def _declared_length(request: Request) -> int | None:
    raw = request.headers.get("content-length")
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise UploadRejected(400, f"Invalid Content-Length header: {raw!r}") from exc


async def _receive_multipart(blocks: AsyncIterator[bytes], content_type: str, *, max_bytes: int,
                             tmp_dir: Path, file_fields: tuple[str, ...]) -> MultipartResult:
    receiver = MultipartReceiver(content_type, max_bytes=max_bytes, tmp_dir=tmp_dir,
                                 file_fields=file_fields)
    try:
        async for block in blocks:
            await to_thread.run_sync(receiver.feed, block)
        return await to_thread.run_sync(receiver.finish)
    except BaseException:
        await to_thread.run_sync(receiver.discard)
        raise


async def _receive_json(blocks: AsyncIterator[bytes], *, allowance: int, max_bytes: int,
                        tmp_dir: Path, file_fields: tuple[str, ...],
                        ) -> tuple[SpoolFile, str | None, dict[str, str]]:
    """The whole body to a temporary file first, then parsed from it on a worker thread."""
    raw = await to_thread.run_sync(SpoolFile, tmp_dir, allowance)
    try:
        async for block in blocks:
            await to_thread.run_sync(raw.write, block)
        await to_thread.run_sync(raw.close)
        return await to_thread.run_sync(lambda: parse_json_file(
            raw.path, max_bytes=max_bytes, tmp_dir=tmp_dir, file_fields=file_fields))
    finally:
        await to_thread.run_sync(raw.discard)


async def receive_upload(
    request: Request,
    *,
    max_bytes: int,
    tmp_dir: Path,
    file_fields: tuple[str, ...] = ("data", "file"),
) -> ReceivedUpload:
    """Streams the upload to a file in `tmp_dir`; the caller owns it and calls `cleanup()`.

    The event loop only receives: parsing, decoding and every file operation run on worker
    threads, and no database session is involved."""
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in ("multipart/form-data", "application/json"):
        shown = media_type or "none"
        raise UploadRejected(
            415, f"Unsupported upload Content-Type: {shown}; send multipart/form-data with the "
            "audio in 'data' or 'file', or application/json with the audio base64-encoded")
    allowance = body_allowance(media_type, max_bytes)
    declared = _declared_length(request)
    if declared is not None and declared > allowance:
        raise too_large(max_bytes)
    blocks = _blocks(request, allowance, max_bytes)
    if media_type == "application/json":
        spool, filename, fields = await _receive_json(
            blocks, allowance=allowance, max_bytes=max_bytes, tmp_dir=tmp_dir,
            file_fields=file_fields)
        declared_type: str | None = None
    else:
        result = await _receive_multipart(
            blocks, content_type, max_bytes=max_bytes, tmp_dir=tmp_dir, file_fields=file_fields)
        if result.spool is None:
            raise UploadRejected(422, no_file_detail(file_fields))
        spool, filename, fields = result.spool, result.filename, result.fields
        declared_type = result.content_type
    if spool.size_bytes == 0:
        await to_thread.run_sync(spool.discard)
        raise UploadRejected(422, "The uploaded audio file is empty (0 bytes)")
    return ReceivedUpload(spool.path, filename, fields, spool.size_bytes, declared_type,
                          spool.sha256)


def _upload_schema() -> dict[str, Any]:
    text = {"type": "string"}
    multipart = {
        "type": "object",
        "properties": {
            "data": {"type": "string", "format": "binary", "description": "The audio (002)"},
            "file": {"type": "string", "format": "binary", "description": "Same, as in 000"},
            "parent_folder_id": text, "microphone": text, "label": text, "name": text,
        },
    }
    as_json = {
        "type": "object",
        "properties": {
            "file": {"type": "string", "format": "byte", "description": "Base64 audio (001)"},
            "data": {"type": "string", "format": "byte"},
            "parent_folder_id": text, "microphone": text, "label": text, "name": text,
            "filename": text,
        },
    }
    return {"requestBody": {"required": True, "content": {
        "multipart/form-data": {"schema": multipart},
        "application/json": {"schema": as_json},
    }}}


UPLOAD_OPENAPI: dict[str, Any] = _upload_schema()
