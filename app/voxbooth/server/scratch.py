"""The service's scratch files: every temporary of a process lives in that process's own folder.

Uploads being received (`upload-*.part`), conversions being written (`conversion-*.wav`),
re-encoded downloads (`serve-*`), export zips (`export-*.zip`), local copies of blobs and the blob
store's half-written puts all go to `DATA_DIR/tmp/p<pid>-<token>/`. The folder is held with an
exclusive `flock` on its `.lock` file for as long as the process lives, so the kernel releases it
however the process ends, SIGKILL included.

Ownership is the rule: the code that makes a temporary removes it on every path (the context
managers here), and the process removes its folder when it stops. What a killed process left
behind is swept at the next start of any process on the same data dir: folders whose lock is
free, plus loose files older than a day in the shared folder (left by older versions). A live
process's folder is never touched, so several processes (or machines on a shared mount) can
share one data dir.

A folder appears under its final name only once it is locked: it is made under a hidden name,
locked, then renamed, so a sweep can never mistake a folder being born for an orphan.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger("voxbooth.server")

LOCK_NAME = ".lock"
_BIRTH_PREFIX = ".new-"
_FOLDER_RE = re.compile(r"^p[0-9]+-[0-9a-f]+$")
LOOSE_FILE_MAX_AGE_S = 24 * 3600.0

# Folders this process holds: a sweep from the same process (two apps in one test process)
# must leave them alone even where the lock would not say so.
_held: set[Path] = set()


class Scratch:
    """This process's folder of temporaries under `root` (usually `DATA_DIR/tmp`)."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        name = f"p{os.getpid()}-{secrets.token_hex(6)}"
        birth = root / f"{_BIRTH_PREFIX}{name}"
        birth.mkdir()
        lock_fd = os.open(birth / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            try:
                fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                raise OSError(exc.errno, f"cannot lock a scratch folder in {root}: {exc}; the "
                              "data dir must be on a file system with flock (NFSv4 has it)"
                              ) from exc
            self.dir = root / name
            os.replace(birth, self.dir)
        except BaseException:
            os.close(lock_fd)
            shutil.rmtree(birth, ignore_errors=True)
            raise
        self.root = root
        self._lock_fd: int | None = lock_fd
        _held.add(self.dir.resolve())

    @property
    def name(self) -> str:
        return self.dir.name

    def new_file(self, prefix: str, suffix: str = "") -> Path:
        """A new empty file that the caller now owns and must remove (or hand on to someone
        who will, such as `temporary_download`)."""
        fd, name = tempfile.mkstemp(dir=self.dir, prefix=prefix, suffix=suffix)
        os.close(fd)
        return Path(name)

    @contextlib.contextmanager
    def file(self, prefix: str, suffix: str = "") -> Iterator[Path]:
        """A new empty file, removed when the block ends, however it ends."""
        path = self.new_file(prefix, suffix)
        try:
            yield path
        finally:
            path.unlink(missing_ok=True)

    def close(self) -> None:
        """Removes the folder with whatever is still in it and releases the lock (at stop)."""
        if self._lock_fd is None:
            return
        _held.discard(self.dir.resolve())
        shutil.rmtree(self.dir, ignore_errors=True)
        os.close(self._lock_fd)
        self._lock_fd = None

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def new_temp_file(folder: Path, prefix: str, suffix: str = "") -> tuple[Path, BinaryIO]:
    """A new file in `folder` open for writing (for code given only a scratch folder)."""
    fd, name = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=suffix)
    return Path(name), os.fdopen(fd, "wb")


def _lock_is_free(folder: Path) -> bool:
    """True when no live process holds `folder`'s lock (or it never got one)."""
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    finally:
        os.close(fd)  # closing drops the lock we may just have taken
    return True


def _age_s(path: Path, now: float) -> float:
    try:
        return now - path.lstat().st_mtime
    except FileNotFoundError:
        return 0.0


def sweep(root: Path, *, max_age_s: float = LOOSE_FILE_MAX_AGE_S) -> int:
    """Removes what dead processes left under `root`; returns how many entries went.

    Process folders (`p<pid>-<token>`) go when their lock is free; anything else (loose files,
    folders still being born under their hidden name, whatever else was put here) only once
    older than `max_age_s`. Never a folder a live process holds.
    """
    if not root.is_dir():
        return 0
    removed, now = 0, time.time()
    for entry in root.iterdir():
        try:
            if _FOLDER_RE.match(entry.name) and entry.is_dir() and not entry.is_symlink():
                if entry.resolve() in _held or not _lock_is_free(entry):
                    continue
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
            elif _age_s(entry, now) >= max_age_s:  # not a process folder: by age alone
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
                removed += 1
        except OSError:  # another process swept it first, or it cannot be read: not ours
            log.warning("scratch sweep: could not inspect %s", entry, exc_info=True)
    if removed:
        log.info("removed %d temporar%s left by stopped processes in %s",
                 removed, "y" if removed == 1 else "ies", root)
    return removed
