"""Blob housekeeping shared by the resources that own audio."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from voxbooth.server.blobs import BlobStore

log = logging.getLogger("voxbooth.server")


def delete_blobs(blobs: BlobStore, keys: Iterable[str]) -> None:
    """Deletes blobs after their rows are gone; a failure leaves an orphan, never a dangling row."""
    for key in keys:
        try:
            blobs.delete(key)
        except OSError:
            log.warning("could not delete blob %s", key)


def temp_path(tmp_dir: Path, prefix: str, suffix: str) -> Path:
    """A new empty file in the service's tmp dir (the caller deletes it)."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=tmp_dir, prefix=prefix, suffix=suffix)
    os.close(fd)
    return Path(name)
