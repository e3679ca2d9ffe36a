"""Serving a recording's audio: the original bytes, or re-encoded into a requested format."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from fastapi import HTTPException

from voxbooth.server.blobs import BlobStore
from voxbooth.server.media import served_extension, served_mime, transcode
from voxbooth.server.models import Recording
from voxbooth.server.services.storage import temp_path
from voxbooth.server.uploads import safe_filename


class ServedFormat(StrEnum):
    wav = "wav"
    flac = "flac"
    ogg = "ogg"
    mp3 = "mp3"
    original = "original"


@dataclass
class AudioFile:
    path: Path
    media_type: str
    filename: str
    temporary: bool  # delete after sending


def _download_name(rec: Recording, extension: str) -> str:
    stem = Path(safe_filename(rec.label) or safe_filename(rec.file_name) or "take").stem
    return f"{stem}.{extension}"


def _is_plain_wav(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(12)
    return head[:4] == b"RIFF" and head[8:12] == b"WAVE"


def audio_file(blobs: BlobStore, rec: Recording, fmt: ServedFormat, tmp_dir: Path) -> AudioFile:
    if rec.blob_key is None:
        raise HTTPException(status_code=409,
                            detail=f"The audio is not ready yet (state: {rec.state})")
    source = blobs.path(rec.blob_key)
    if source is None:
        raise HTTPException(status_code=410, detail="The stored audio is missing")
    original_ext = Path(rec.file_name).suffix.lstrip(".") or (rec.format or "bin")
    if fmt is ServedFormat.original:
        return AudioFile(source, rec.mime or "application/octet-stream",
                         _download_name(rec, original_ext), temporary=False)
    if fmt is ServedFormat.wav and rec.format == "wav" and _is_plain_wav(source):
        return AudioFile(source, served_mime("wav"), _download_name(rec, "wav"), temporary=False)
    if rec.format == fmt.value:
        return AudioFile(source, served_mime(fmt.value), _download_name(rec, fmt.value), False)
    dest = temp_path(tmp_dir, "serve-", "." + served_extension(fmt.value))
    try:
        transcode(source, dest, fmt.value, duration_s=rec.duration)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    return AudioFile(dest, served_mime(fmt.value), _download_name(rec, fmt.value), temporary=True)
