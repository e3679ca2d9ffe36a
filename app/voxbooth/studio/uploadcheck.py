"""Checks an audio file against the service's rules before it is uploaded.

The service has the last word; this only spares the user a long upload that would be refused.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import soundfile as sf

MIN_DURATION_S = 0.1
AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".ogg", ".opus", ".mp3", ".m4a", ".aac", ".mp4"})


@dataclass(frozen=True)
class FileCheck:
    path: Path
    problem: str | None = None  # None: fine to upload
    duration_s: float = 0.0
    size_bytes: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None


def expand_dropped(paths: Iterable[str | Path]) -> list[Path]:
    """Files as they are; folders become the audio files inside them (recursively, sorted)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, _dirs, files in os.walk(path):
                found.extend(sorted(Path(root) / f for f in files
                                    if Path(f).suffix.lower() in AUDIO_SUFFIXES))
        else:
            found.append(path)
    return found


def audio_duration_s(path: Path) -> float:
    """Duration from the file's header (libsndfile, else FFmpeg for M4A/AAC). Raises ValueError."""
    try:
        info = sf.info(str(path))
        return float(info.frames) / float(info.samplerate)
    except (RuntimeError, sf.LibsndfileError):
        pass
    try:
        import av

        with av.open(str(path)) as container:
            streams = container.streams.audio
            if not streams:
                raise ValueError("it holds no audio stream")
            if container.duration is not None:
                return float(container.duration) / 1_000_000.0
            stream = streams[0]
            if stream.duration is not None and stream.time_base is not None:
                return float(stream.duration * stream.time_base)
            raise ValueError("its duration cannot be read")
    except (av.FFmpegError, OSError) as exc:
        raise ValueError("it is not audio VoxBooth can read (WAV, FLAC, OGG, MP3, M4A)") from exc


def check_file(path: Path, max_bytes: int | None) -> FileCheck:
    """Runs on a worker: reads the file's header. `max_bytes`: the service's upload limit
    (`ServiceRules.max_upload_bytes`), None while no service is connected."""
    name = path.name
    if not path.is_file():
        return FileCheck(path, f"{name}: not a file")
    size = path.stat().st_size
    if size == 0:
        return FileCheck(path, f"{name}: the file is empty")
    if max_bytes is not None and size > max_bytes:
        return FileCheck(path, f"{name}: {size / 1e6:.0f} MB is over the "
                               f"{max_bytes // (1024 * 1024)} MB limit", size_bytes=size)
    try:
        duration = audio_duration_s(path)
    except ValueError as exc:
        return FileCheck(path, f"{name}: {exc}", size_bytes=size)
    if duration < MIN_DURATION_S:
        return FileCheck(path, f"{name}: it holds no sound ({duration:.2f} s)", duration, size)
    return FileCheck(path, None, duration, size)
