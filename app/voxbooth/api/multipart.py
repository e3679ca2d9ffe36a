"""A multipart/form-data body streamed from a file, with progress and cancellation.

httpx's own multipart encoder reads the file in chunks too, but it cannot report progress nor
stop between chunks. This one yields the form fields, then the file chunk by chunk, and states
the exact Content-Length up front, so a server can refuse an over-size file (413) before the
body arrives. Raising `Cancelled` inside the generator makes httpx drop the connection mid-body:
the server sees an aborted request and keeps nothing.
"""

from __future__ import annotations

import mimetypes
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path

from voxbooth.api.progress import Cancel, ProgressCallback, raise_if_cancelled

CHUNK_BYTES = 256 * 1024


def _quote(value: str) -> str:
    # RFC 7578: names are quoted strings; escape what would end the quoting or the header line
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


class MultipartFileBody:
    """Fields, then one file part; iterate it as the request body."""

    def __init__(
        self,
        path: Path,
        *,
        file_field: str,
        fields: Mapping[str, str],
        filename: str | None = None,
        on_progress: ProgressCallback | None = None,
        cancel: Cancel = None,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        self.path = Path(path)
        self.boundary = "voxbooth-" + secrets.token_hex(16)
        self.on_progress = on_progress
        self.cancel = cancel
        self.chunk_bytes = chunk_bytes
        self.file_bytes = self.path.stat().st_size
        name = filename or self.path.name
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        head = b"".join(self._field(k, v) for k, v in fields.items() if v is not None)
        head += (
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="{_quote(file_field)}"; '
            f'filename="{_quote(name)}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        self._head = head
        self._tail = f"\r\n--{self.boundary}--\r\n".encode()

    def _field(self, name: str, value: str) -> bytes:
        return (
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="{_quote(name)}"\r\n\r\n'
            f"{value}\r\n"
        ).encode()

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    @property
    def content_length(self) -> int:
        return len(self._head) + self.file_bytes + len(self._tail)

    def headers(self) -> dict[str, str]:
        return {"Content-Type": self.content_type, "Content-Length": str(self.content_length)}

    def __iter__(self) -> Iterator[bytes]:
        sent = 0
        raise_if_cancelled(self.cancel, "Upload")
        yield self._head
        with self.path.open("rb") as file:
            while chunk := file.read(self.chunk_bytes):
                raise_if_cancelled(self.cancel, "Upload")
                yield chunk
                sent += len(chunk)
                if self.on_progress is not None:
                    self.on_progress(sent, self.file_bytes)
        yield self._tail
