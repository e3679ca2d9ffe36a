"""The blob store: where original takes, conversions and peak files live, behind a small interface.

Two stores implement it: `FileBlobStore` (the default, files under `DATA_DIR/blobs`, also on a
mount shared by several processes or machines) and `S3BlobStore` (`blobs_s3.py`: any
S3-compatible object store). `VOXBOOTH_BLOB_STORE=file|s3` chooses; `make_blob_store` builds it.

Keys are opaque strings chosen by the store (`ab/abcdef...`), never derived from user file names,
so a hostile name cannot reach outside the store. Nothing outside a store assumes a blob is a
local file: code that needs a path (codecs, WORLD) asks for `local_copy(key)`, everything else
reads a stream. Writes are atomic in both stores: a reader never sees a half-written blob.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol, runtime_checkable

from voxbooth.server import scratch as scratch_files
from voxbooth.server.scratch import Scratch

if TYPE_CHECKING:
    from voxbooth.server.settings import Settings

KEY_RE = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{32}$")
_TMP_DIR_NAME = ".tmp"
COPY_CHUNK_BYTES = 1 << 20


class BlobNotFound(KeyError):
    """The key names no blob in the store (a route answers 410: the audio is gone)."""


class BlobStoreUnavailable(OSError):
    """The store could not be reached or refused the request (a route answers 503)."""


@runtime_checkable
class BlobStore(Protocol):
    """What the service needs from storage."""

    def put_file(self, src: Path) -> str:
        """Copies `src` into the store and returns its new key (the caller keeps `src`)."""
        ...

    def put_stream(self, stream: BinaryIO) -> str:
        """Stores what `stream` yields until its end; returns the new key."""
        ...

    def put_bytes(self, data: bytes) -> str: ...

    def open(self, key: str) -> BinaryIO:
        """The blob as a stream read front to back; the caller closes it. `BlobNotFound`."""
        ...

    def local_copy(self, key: str) -> AbstractContextManager[Path]:
        """A local file holding the blob, for code that needs a path; read-only, and gone
        (if it was a copy) when the block ends. `BlobNotFound`."""
        ...

    def delete(self, key: str) -> None:
        """Removes the blob; a missing one is not an error."""
        ...

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int: ...

    def close(self) -> None:
        """Releases what the store holds (connections, its own scratch folder)."""
        ...


@runtime_checkable
class LocalBlobFiles(Protocol):
    """A store whose blobs are local files: downloads can be served straight from them."""

    def local_path(self, key: str) -> Path: ...


def new_key() -> str:
    """A fresh opaque key: two hex characters of fan-out, then 32 random hex characters."""
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}"


def check_key(key: str) -> str:
    # Keys come back from the database, but a malformed one must never escape the store.
    if not KEY_RE.match(key):
        raise BlobNotFound(key)
    return key


class FileBlobStore:
    """Blobs as files under `root`, fanned out in 256 sub-folders.

    A put is written to a temporary in the process's own scratch folder, fsynced, then renamed
    into place; on a shared mount each process only ever touches its own temporaries. When
    `scratch` lies on another file system than `root` (rename would fail), or none is given,
    the store keeps a scratch folder of its own under `root/.tmp`.
    """

    def __init__(self, root: Path, scratch: Scratch | None = None) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._own_scratch: Scratch | None = None
        if scratch is None or os.stat(scratch.dir).st_dev != os.stat(self.root).st_dev:
            self._own_scratch = Scratch(self.root / _TMP_DIR_NAME)
            scratch = self._own_scratch
        self._scratch = scratch

    def _file(self, key: str) -> Path:
        return self.root / check_key(key)

    def _commit(self, tmp: Path) -> str:
        key = new_key()
        dest = self.root / key
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
        return key

    def _write(self, fill: _Writer) -> str:
        tmp, out = scratch_files.new_temp_file(self._scratch.dir, "put-", ".part")
        try:
            with out:
                fill(out)
                out.flush()
                os.fsync(out.fileno())
            return self._commit(tmp)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def put_file(self, src: Path) -> str:
        def copy(out: BinaryIO) -> None:
            with open(src, "rb") as inp:
                shutil.copyfileobj(inp, out, COPY_CHUNK_BYTES)

        return self._write(copy)

    def put_stream(self, stream: BinaryIO) -> str:
        return self._write(lambda out: shutil.copyfileobj(stream, out, COPY_CHUNK_BYTES))

    def put_bytes(self, data: bytes) -> str:
        return self._write(lambda out: out.write(data))

    def open(self, key: str) -> BinaryIO:
        try:
            return self._file(key).open("rb")
        except (FileNotFoundError, IsADirectoryError) as exc:
            raise BlobNotFound(key) from exc
        except OSError as exc:  # the store's disk or mount fails us: say so, do not crash
            raise BlobStoreUnavailable(exc.errno, f"blob {key} cannot be read: {exc}") from exc

    def local_path(self, key: str) -> Path:
        """The blob's own file (read-only for the caller)."""
        file = self._file(key)
        if not file.is_file():
            raise BlobNotFound(key)
        return file

    @contextlib.contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        # The blob is already a local file: no copy to make, nothing to remove afterwards.
        yield self.local_path(key)

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
            if sub.is_dir() and not sub.name.startswith(".")
            for file in sub.iterdir()
            if KEY_RE.match(f"{sub.name}/{file.name}")
        )

    def sweep_temporaries(self) -> int:
        """Removes what stopped processes left in `root/.tmp` (never a live process's puts);
        returns how many entries went. The service's scratch root is swept by the service."""
        return scratch_files.sweep(self.root / _TMP_DIR_NAME)

    def close(self) -> None:
        if self._own_scratch is not None:
            self._own_scratch.close()


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


def make_blob_store(settings: Settings, scratch: Scratch) -> BlobStore:
    """The store `settings.blob_store` names, ready to use (an S3 bucket is checked now, so a
    wrong endpoint or credential stops the start with a clear message)."""
    if settings.blob_store == "s3":
        from voxbooth.server.blobs_s3 import S3BlobStore  # boto3 only when it is used

        store = S3BlobStore.from_settings(settings, scratch)
        store.check_bucket(create=settings.s3_create_bucket)
        return store
    files = FileBlobStore(settings.blobs_dir, scratch)
    files.sweep_temporaries()
    return files


@dataclass
class Storage:
    """A process's storage: its scratch folder and the blob store (API, worker, admin)."""

    scratch: Scratch
    blobs: BlobStore

    def close(self) -> None:
        try:
            self.blobs.close()
        finally:
            self.scratch.close()


def open_storage(settings: Settings) -> Storage:
    """Sweeps what stopped processes left in `settings.tmp_dir`, takes this process's scratch
    folder there and opens the configured blob store; `close()` it when the process stops."""
    scratch_files.sweep(settings.tmp_dir)
    own = Scratch(settings.tmp_dir)
    try:
        return Storage(own, make_blob_store(settings, own))
    except BaseException:
        own.close()
        raise
