"""Checks an audio file against the service's rules before it is uploaded.

The service has the last word; this only spares the user a long upload that would be refused.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import soundfile as sf

from voxbooth.studio.formats import accepted_suffixes, format_of, formats_in_words

MIN_DURATION_S = 0.1


@dataclass(frozen=True)
class FileCheck:
    path: Path
    problem: str | None = None  # None: fine to upload
    duration_s: float = 0.0
    size_bytes: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None


def expand_dropped(paths: Iterable[str | Path],
                   formats: Iterable[str] | None = None) -> list[Path]:
    """Files as they are; folders become the audio files inside them (recursively, sorted),
    by the file name endings of `formats` (the service's; None: every format named)."""
    suffixes = accepted_suffixes(formats)
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, _dirs, files in os.walk(path):
                found.extend(sorted(Path(root) / f for f in files
                                    if Path(f).suffix.lower() in suffixes))
        else:
            found.append(path)
    return found


def audio_duration_s(path: Path, formats: Iterable[str] | None = None) -> float:
    """Duration from the file's header (libsndfile, else FFmpeg for M4A/AAC). Raises ValueError,
    also for audio libsndfile reads in a format not among `formats` (the service's)."""
    accepted = None if formats is None else set(formats)
    try:
        info = sf.info(str(path))
    except (RuntimeError, sf.LibsndfileError):
        pass
    else:
        fmt = format_of(str(info.format), str(info.subtype))
        if accepted is not None and fmt not in accepted:
            raise ValueError(f"{info.format_info or info.format} is not a format the service "
                             f"takes ({formats_in_words(accepted)})")
        return float(info.frames) / float(info.samplerate)
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
        raise ValueError("it is not audio VoxBooth can read "
                         f"({formats_in_words(accepted)})") from exc


def check_file(path: Path, max_bytes: int | None,
               formats: Iterable[str] | None = None) -> FileCheck:
    """Runs on a worker: reads the file's header. `max_bytes` and `formats`: the service's
    upload limit and audio formats (`ServiceRules`), None while no service is connected."""
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
        duration = audio_duration_s(path, formats)
    except ValueError as exc:
        return FileCheck(path, f"{name}: {exc}", size_bytes=size)
    if duration < MIN_DURATION_S:
        return FileCheck(path, f"{name}: it holds no sound ({duration:.2f} s)", duration, size)
    return FileCheck(path, None, duration, size)


def say_duration(seconds: float) -> str:
    """`4.2 s`, `10 s`, `10 min`, `12 min 30 s`: as the service says lengths."""
    if seconds < 60:
        return f"{seconds:.1f}".removesuffix(".0") + " s"
    minutes, rest_s = divmod(round(seconds), 60)
    return f"{minutes} min" if rest_s == 0 else f"{minutes} min {rest_s} s"


def check_sample(path: Path, min_s: float, max_s: float, max_bytes: int | None = None,
                 formats: Iterable[str] | None = None) -> FileCheck:
    """Runs on a worker: a voice sample's header, and its length against the service's range
    for voice samples (`ServiceRules.sample_min_s` / `sample_max_s`), before it is sent."""
    check = check_file(path, max_bytes, formats)
    if not check.ok:
        return check
    if not min_s <= check.duration_s <= max_s:
        verdict = "too short" if check.duration_s < min_s else "too long"
        return FileCheck(path, f"{path.name} is {say_duration(check.duration_s)} long, "
                               f"{verdict}: voice samples need {say_duration(min_s)} to "
                               f"{say_duration(max_s)}", check.duration_s, check.size_bytes)
    return check
