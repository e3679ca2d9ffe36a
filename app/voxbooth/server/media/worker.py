"""What the audio worker process runs (see `media.isolation`); each call returns plain data.

Any exception a codec binding raises on hostile bytes (RuntimeError, ValueError, struct
errors...) becomes an UndecodableAudio here, so the service answers 422 with its reason.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from voxbooth.dsp.peaks import PeakBuilder
from voxbooth.server.media import encode
from voxbooth.server.media import verify as checks
from voxbooth.server.media.decode import decoding
from voxbooth.server.media.errors import AudioRejected, UndecodableAudio
from voxbooth.server.media.limits import TAKES, AudioLimits

log = logging.getLogger("voxbooth.server.media.worker")

T = TypeVar("T")


def _guarded(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    try:
        return fn(*args, **kwargs)
    except (AudioRejected, MemoryError):
        raise
    except Exception as exc:  # hostile input reaching a binding's own error paths
        log.warning("audio worker: %s", exc, exc_info=True)
        raise UndecodableAudio(f"{type(exc).__name__}: {exc}") from None


def ping() -> int:
    return os.getpid()


def verify(path: str, limits: AudioLimits) -> checks.AudioInfo:
    return _guarded(checks.verify, Path(path), limits)


def read_samples(path: str, mono: bool, target_rate_hz: int | None,
                 limits: AudioLimits) -> tuple[np.ndarray, int]:
    return _guarded(checks.read_samples, Path(path), mono=mono, target_rate_hz=target_rate_hz,
                    limits=limits)


def transcode(src: str, dest: str, fmt: str, subtype: str | None) -> None:
    _guarded(encode.transcode, Path(src), Path(dest), fmt, subtype=subtype, limits=TAKES)


def _peaks(path: Path) -> bytes:
    with decoding(path, TAKES) as audio:
        builder = PeakBuilder(audio.rate_hz)
        for block in audio.blocks():
            builder.add(block)
        if audio.decoded_frames == 0:
            raise UndecodableAudio("no audio frames could be decoded")
    return builder.pyramid().to_bytes()


def peaks(path: str) -> bytes:
    """The waveform pyramid (`voxbooth.dsp.peaks.PeakPyramid`) as bytes."""
    return _guarded(_peaks, Path(path))
