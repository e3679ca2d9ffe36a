"""The blob store: where original takes, conversions and peak files live, behind a small interface.

Keys are opaque strings chosen by the store (`ab/abcdef...`), never derived from user file names,
so a hostile name cannot reach outside the store. Writes are atomic: the bytes go to a temporary
file inside the store, are fsynced, then `os.replace`d into place, so a reader never sees a
half-written blob and a crash leaves at most a temporary file that `sweep_temporaries` removes.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

_KEY_RE = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{32}$")
_TMP_DIR_NAME = ".tmp"
_COPY_CHUNK_BYTES = 1 << 20


class BlobNotFound(KeyError):
    """The key names no blob in the store."""


@runtime_checkable
class BlobStore(Protocol):
    """What the service needs from storage; a shared deployment can back it with S3."""

    def put_file(self, src: Path) -> str: ...

    def put_bytes(self, data: bytes) -> str: ...

    def open(self, key: str) -> BinaryIO: ...

    def path(self, key: str) -> Path | None: ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int: ...


def new_key() -> str:
    """A fresh opaque key: two hex characters of fan-out, then 32 random hex characters."""
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}"


class FileBlobStore:
    """Blobs as files under `root`, fanned out in 256 sub-folders."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._tmp = self.root / _TMP_DIR_NAME
        self._tmp.mkdir(parents=True, exist_ok=True)

    def _file(self, key: str) -> Path:
        # Keys come back from the database, but a malformed one must never escape the root.
        if not _KEY_RE.match(key):
            raise BlobNotFound(key)
        return self.root / key

    def _commit(self, tmp: Path) -> str:
        key = new_key()
        dest = self.root / key
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
        return key

    def _write_tmp(self, write: _Writer) -> str:
        fd, name = tempfile.mkstemp(dir=self._tmp, prefix="put-", suffix=".part")
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                write(out)
                out.flush()
                os.fsync(out.fileno())
            return self._commit(tmp)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def put_file(self, src: Path) -> str:
        """Copies `src` into the store (the caller keeps and removes `src`)."""

        def copy(out: BinaryIO) -> None:
            with open(src, "rb") as inp:
                shutil.copyfileobj(inp, out, _COPY_CHUNK_BYTES)

        return self._write_tmp(copy)

    def put_bytes(self, data: bytes) -> str:
        return self._write_tmp(lambda out: out.write(data))

    def open(self, key: str) -> BinaryIO:
        try:
            return self._file(key).open("rb")
        except FileNotFoundError as exc:
            raise BlobNotFound(key) from exc

    def path(self, key: str) -> Path | None:
        file = self._file(key)
        if not file.is_file():
            raise BlobNotFound(key)
        return file

    def delete(self, key: str) -> None:
        with contextlib.suppress(BlobNotFound):
            self._file(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        try:
            return self._file(key).is_file()
        except BlobNotFound:
            return False

    def size(self, key: str) -> int:
        try:
            return self._file(key).stat().st_size
        except FileNotFoundError as exc:
            raise BlobNotFound(key) from exc

    def keys(self) -> list[str]:
        """Every committed key (for orphan checks and tests); temporaries are not blobs."""
        return sorted(
            f"{sub.name}/{file.name}"
            for sub in self.root.iterdir()
            if sub.is_dir() and sub.name != _TMP_DIR_NAME
            for file in sub.iterdir()
            if _KEY_RE.match(f"{sub.name}/{file.name}")
        )

    def sweep_temporaries(self) -> int:
        """Removes temporaries left by a crash mid-write; call at start-up. Returns how many."""
        removed = 0
        for tmp in self._tmp.iterdir():
            tmp.unlink(missing_ok=True)
            removed += 1
        return removed


class _Writer(Protocol):
    def __call__(self, out: BinaryIO, /) -> object: ...


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not every platform lets a folder be opened.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
