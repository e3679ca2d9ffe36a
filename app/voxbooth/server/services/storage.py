"""Blob housekeeping shared by the resources that own audio."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from voxbooth.server.blobs import BlobStore

log = logging.getLogger("voxbooth.server")


def delete_blobs(blobs: BlobStore, keys: Iterable[str]) -> None:
    """Deletes blobs after their rows are gone; a failure leaves an orphan, never a dangling row."""
    for key in keys:
        try:
            blobs.delete(key)
        except OSError:
            log.warning("could not delete blob %s", key)

