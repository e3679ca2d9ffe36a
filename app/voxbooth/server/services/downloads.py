"""HTTP downloads of stored blobs and of temporaries, streamed whatever the blob store.

A blob the store keeps as a local file is sent with `FileResponse`; any other (S3) streams from
the store in chunks, never read whole into memory. A temporary made for one response (a
re-encoded take, an export zip) is opened and removed from its folder before the response
starts: the open handle keeps its bytes readable while they are sent, and nothing is left on
disk whether the client reads to the end, disconnects half-way, or the process is killed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from fastapi.responses import FileResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from voxbooth.server.blobs import BlobStore, LocalBlobFiles

CHUNK_BYTES = 256 * 1024


def _disposition(filename: str) -> str:
    quoted = quote(filename)
    if quoted != filename:
        return f"attachment; filename*=utf-8''{quoted}"
    return f'attachment; filename="{filename}"'


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    # A sync generator: Starlette runs it in the thread pool, so the event loop never waits.
    try:
        while chunk := stream.read(CHUNK_BYTES):
            yield chunk
    finally:
        stream.close()


def _streamed(stream: BinaryIO, size: int, media_type: str, filename: str,
              headers: Mapping[str, str] | None) -> StreamingResponse:
    sent_headers = {**(headers or {}), "content-length": str(size),
                    "content-disposition": _disposition(filename)}
    # The generator closes the stream when it ends; the task covers a response never started.
    return StreamingResponse(_chunks(stream), media_type=media_type, headers=sent_headers,
                             background=BackgroundTask(stream.close))


def blob_download(blobs: BlobStore, key: str, *, media_type: str, filename: str,
                  headers: Mapping[str, str] | None = None) -> Response:
    """The blob as an attachment; `BlobNotFound` (410) before any byte is sent."""
    if isinstance(blobs, LocalBlobFiles):
        return FileResponse(blobs.local_path(key), media_type=media_type, filename=filename,
                            headers=dict(headers or {}))
    size = blobs.size(key)
    return _streamed(blobs.open(key), size, media_type, filename, headers)


def temporary_download(path: Path, *, media_type: str, filename: str) -> Response:
    """Sends the temporary at `path`, which this call now owns and removes at once."""
    try:
        stream = path.open("rb")
        size = os.fstat(stream.fileno()).st_size
    finally:
        path.unlink(missing_ok=True)
    return _streamed(stream, size, media_type, filename, None)
