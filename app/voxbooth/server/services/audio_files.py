"""Serving a recording's audio: the original bytes, or re-encoded into a requested format."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from fastapi import HTTPException
from fastapi.responses import Response

from voxbooth.server.blobs import BlobStore
from voxbooth.server.media import served_extension, served_mime, transcode
from voxbooth.server.models import Recording
from voxbooth.server.scratch import Scratch
from voxbooth.server.services.downloads import blob_download, temporary_download
from voxbooth.server.uploads import safe_filename


class ServedFormat(StrEnum):
    wav = "wav"
    flac = "flac"
    ogg = "ogg"
    mp3 = "mp3"
    original = "original"


def _download_name(rec: Recording, extension: str) -> str:
    stem = Path(safe_filename(rec.label) or safe_filename(rec.file_name) or "take").stem
    return f"{stem}.{extension}"


def audio_file(blobs: BlobStore, rec: Recording, fmt: ServedFormat, scratch: Scratch) -> Response:
    """The response for `GET .../file`: the stored bytes streamed from the store, or a
    re-encoding made in the scratch folder and removed as it is sent."""
    if rec.blob_key is None:
        raise HTTPException(status_code=409,
                            detail=f"The audio is not ready yet (state: {rec.state})")
    key = rec.blob_key
    original_ext = Path(rec.file_name).suffix.lstrip(".") or (rec.format or "bin")
    if fmt is ServedFormat.original:
        return blob_download(blobs, key, media_type=rec.mime or "application/octet-stream",
                             filename=_download_name(rec, original_ext))
    if rec.format == fmt.value:  # already in the asked format (RF64 too): sent as stored
        return blob_download(blobs, key, media_type=served_mime(fmt.value),
                             filename=_download_name(rec, fmt.value))
    with blobs.local_copy(key) as source:
        dest = scratch.new_file("serve-", "." + served_extension(fmt.value))
        try:
            transcode(source, dest, fmt.value, duration_s=rec.duration)
        except BaseException:
            dest.unlink(missing_ok=True)
            raise
    return temporary_download(dest, media_type=served_mime(fmt.value),
                              filename=_download_name(rec, fmt.value))
