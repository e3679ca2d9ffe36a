"""What every upload body shares: the received file, its limits, and how it fails."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import anyio.to_thread
from starlette.exceptions import HTTPException

from voxbooth.server.scratch import new_temp_file

MAX_FIELD_BYTES = 64 * 1024  # one text field (label, name, description ...)
MAX_FIELDS = 64
MAX_FILENAME_CHARS = 255


class UploadRejected(HTTPException):
    """A request body the service refuses; FastAPI answers it as `{"detail": ...}` (a 422 as
    the `[{loc, msg, type}]` list, `loc` naming the field when one is to blame)."""

    def __init__(self, status: int, detail: str, loc: tuple[str, ...] = ("body",)) -> None:
        super().__init__(status_code=status, detail=detail)
        self.loc = loc


def too_large(max_bytes: int) -> UploadRejected:
    megabytes = max_bytes / (1024 * 1024)
    return UploadRejected(413, f"Audio file exceeds maximum size limit ({megabytes:g} MB)")


@dataclass
class ReceivedUpload:
    """The uploaded audio, streamed to a temporary file the caller must `cleanup()`."""

    path: Path
    filename: str | None
    fields: dict[str, str]
    size_bytes: int
    content_type: str | None = None  # as the client declared it; the service sniffs anyway
    #: sha256 of the file's bytes, computed as they streamed in (idempotent uploads use it)
    sha256: str = ""

    def cleanup(self) -> None:
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> ReceivedUpload:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.cleanup()

    async def __aenter__(self) -> ReceivedUpload:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await anyio.to_thread.run_sync(self.cleanup)


@dataclass
class SpoolFile:
    """A temporary file in `tmp_dir` (the process's scratch folder) that counts what is
    written and enforces the limit.

    Blocking file I/O: made, written and closed on a worker thread, never the event loop."""

    tmp_dir: Path
    max_bytes: int
    path: Path = field(init=False)
    size_bytes: int = 0
    _out: BinaryIO = field(init=False)
    _digest: hashlib._Hash = field(init=False, default_factory=hashlib.sha256)

    def __post_init__(self) -> None:
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        self.path, self._out = new_temp_file(self.tmp_dir, "upload-", ".part")

    def write(self, data: bytes | memoryview) -> None:
        self.size_bytes += len(data)
        if self.size_bytes > self.max_bytes:
            raise too_large(self.max_bytes)
        self._out.write(data)
        self._digest.update(data)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    def close(self) -> None:
        if not self._out.closed:
            self._out.close()

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def safe_filename(name: str | None) -> str | None:
    """The last path component of a client's file name, or None when nothing safe is left.

    `../../etc/passwd` becomes `passwd`, `C:\\Users\\me\\take.wav` becomes `take.wav`; `..`,
    `.` and names of only separators become None. The name is only ever shown, never used as a
    storage path (blob keys are opaque).
    """
    if not name:
        return None
    name = unicodedata.normalize("NFC", name)
    base = re.split(r"[/\\]", name)[-1]
    base = _UNSAFE_CHARS.sub("", base).strip()
    if base in ("", ".", ".."):
        return None
    if len(base) > MAX_FILENAME_CHARS:
        stem, dot, ext = base.rpartition(".")
        keep_ext = dot and 0 < len(ext) <= 16
        base = (stem[: MAX_FILENAME_CHARS - len(ext) - 1] + "." + ext) if keep_ext \
            else base[:MAX_FILENAME_CHARS]
    return base


def add_field(fields: dict[str, str], name: str, value: str) -> None:
    if len(fields) >= MAX_FIELDS and name not in fields:
        raise UploadRejected(400, f"Too many form fields (at most {MAX_FIELDS})")
    fields[name] = value


def no_file_detail(file_fields: tuple[str, ...]) -> str:
    names = " or ".join(f"'{name}'" for name in file_fields)
    return f"No audio file in the request: send it in the field {names}"
