"""A take file that is readable at every moment while it is being written.

Before the first sample, a marker `<take>.recording` (JSON: rate, channels, format, owner PID)
is written beside the take; it is removed only after a clean close. A marker left behind means
the recording process died; `voxbooth.audio.recovery` finds and repairs such takes.

For WAV, libsndfile is asked to rewrite the RIFF and data sizes after every write, so the header
is never more than one write behind the data; recovery fixes that last write. libsndfile writes
with plain `write()` calls, so whatever was written survives a killed process; `flush(sync=True)`
also survives a power cut.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import soundfile as sf

FileFormat = Literal["WAV", "FLAC"]
Subtype = Literal["FLOAT", "PCM_24", "PCM_16"]

MARKER_SUFFIX = ".recording"
_SFC_SET_UPDATE_HEADER_AUTO = 0x1061  # libsndfile's sf_command code (sndfile.h)


@dataclass(frozen=True)
class TakeFormat:
    file_format: FileFormat = "WAV"
    subtype: Subtype = "FLOAT"

    def __post_init__(self) -> None:
        if self.file_format == "FLAC" and self.subtype == "FLOAT":
            raise ValueError("FLAC stores integer samples only: use PCM_24 or PCM_16")

    @classmethod
    def for_path(cls, path: Path, subtype: Subtype | None = None) -> TakeFormat:
        if path.suffix.lower() == ".flac":
            return cls("FLAC", subtype or "PCM_24")
        if path.suffix.lower() == ".wav":
            return cls("WAV", subtype or "FLOAT")
        raise ValueError(f"{path.name}: takes are written as .wav or .flac")


def marker_path(path: Path) -> Path:
    return path.with_name(path.name + MARKER_SUFFIX)


@dataclass(frozen=True)
class TakeMarker:
    """What recovery needs to know about a take that may not have been closed."""

    take: str
    rate_hz: int
    channels: int
    file_format: FileFormat
    subtype: Subtype
    pid: int
    started_unix_s: float

    def save(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(asdict(self)))
        os.replace(tmp, path)  # never a half-written marker

    @classmethod
    def load(cls, path: Path) -> TakeMarker:
        raw: dict[str, Any] = json.loads(path.read_text())
        return cls(**raw)


class TakeFile:
    """Streams one take to disk. Used from the writer thread only."""

    def __init__(self, path: Path, rate_hz: int, channels: int, take_format: TakeFormat) -> None:
        self.path = path
        self.rate_hz = rate_hz
        self.channels = channels
        self.format = take_format
        self.frames_written = 0
        self._marker = marker_path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        TakeMarker(path.name, rate_hz, channels, take_format.file_format, take_format.subtype,
                   os.getpid(), time.time()).save(self._marker)
        self._file = sf.SoundFile(path, mode="w", samplerate=rate_hz, channels=channels,
                                  format=take_format.file_format, subtype=take_format.subtype)
        if take_format.file_format == "WAV":
            # soundfile does not wrap this command; the header then follows every write.
            sf._snd.sf_command(self._file._file, _SFC_SET_UPDATE_HEADER_AUTO, sf._ffi.NULL,
                               sf._snd.SF_TRUE)

    def write(self, block: npt.NDArray[np.float32]) -> None:
        if block.shape[0]:
            self._file.write(block)
            self.frames_written += block.shape[0]

    def flush(self, sync: bool = False) -> None:
        """With `sync`, force what was written onto the disk itself (fsync). Without it there
        is nothing to do: libsndfile keeps no buffer of its own for WAV or FLAC frames."""
        if sync:
            self._file.flush()

    def close(self) -> None:
        """A clean end: the file is complete, so its marker goes."""
        self._file.close()
        self._marker.unlink(missing_ok=True)

    def abandon(self) -> None:
        """Close without removing the marker (the take needs repair, e.g. after a write error)."""
        with contextlib.suppress(Exception):  # already broken: recovery deals with it
            self._file.close()
