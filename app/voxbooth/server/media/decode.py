"""Reading a kept take back as float32 samples, whole or block by block for long files."""

from __future__ import annotations

from collections.abc import Iterator
from math import gcd
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

from voxbooth.server.media import pyav
from voxbooth.server.media.probe import SOUNDFILE_FORMATS
from voxbooth.server.media.sniff import sniff_file


def _uses_soundfile(path: Path) -> bool:
    if sniff_file(path).format not in SOUNDFILE_FORMATS:
        return False
    try:
        sf.info(str(path))
    except sf.LibsndfileError:
        return False
    return True


def read_audio(
    path: Path, *, mono: bool = False, target_rate_hz: int | None = None
) -> tuple[np.ndarray, int]:
    """All samples as float32, shape (frames, channels), or (frames,) when `mono`.

    Mono is the channel mean; resampling uses a polyphase filter (scipy's resample_poly).
    """
    path = Path(path)
    if _uses_soundfile(path):
        samples, rate_hz = sf.read(str(path), dtype="float32", always_2d=True)
    else:
        rate_hz = pyav.stream_rate_hz(path)
        pieces = list(pyav.iter_decoded(path))
        samples = np.concatenate(pieces) if pieces else np.zeros((0, 1), np.float32)
    if mono:
        samples = samples.mean(axis=1, dtype=np.float32)
    if target_rate_hz is not None and target_rate_hz != rate_hz:
        samples = resample(samples, int(rate_hz), target_rate_hz)
        rate_hz = target_rate_hz
    return np.ascontiguousarray(samples, dtype=np.float32), int(rate_hz)


def resample(samples: np.ndarray, rate_hz: int, target_rate_hz: int) -> np.ndarray:
    """Polyphase resampling along the first axis, kept float32."""
    if rate_hz == target_rate_hz or samples.shape[0] == 0:
        return samples.astype(np.float32, copy=False)
    common = gcd(rate_hz, target_rate_hz)
    out = resample_poly(samples, target_rate_hz // common, rate_hz // common, axis=0)
    return np.asarray(out, dtype=np.float32)


def read_audio_blocks(
    path: Path, block_frames: int, *, mono: bool = False
) -> Iterator[np.ndarray]:
    """float32 blocks of exactly `block_frames` frames (the last may be shorter), in order.

    Shape (block_frames, channels), or (block_frames,) when `mono`. Memory stays at a block
    whatever the length of the file.
    """
    if block_frames <= 0:
        raise ValueError("block_frames must be positive")
    path = Path(path)
    if _uses_soundfile(path):
        blocks: Iterator[np.ndarray] = sf.blocks(
            str(path), blocksize=block_frames, dtype="float32", always_2d=True)
    else:
        blocks = _rebuffer(pyav.iter_decoded(path), block_frames)
    for block in blocks:
        yield block.mean(axis=1, dtype=np.float32) if mono else block


def _rebuffer(pieces: Iterator[np.ndarray], block_frames: int) -> Iterator[np.ndarray]:
    pending: list[np.ndarray] = []
    pending_frames = 0
    for piece in pieces:
        pending.append(piece)
        pending_frames += piece.shape[0]
        if pending_frames < block_frames:
            continue
        joined = np.concatenate(pending)
        cut = (joined.shape[0] // block_frames) * block_frames
        for start in range(0, cut, block_frames):
            yield joined[start: start + block_frames]
        pending = [joined[cut:]] if cut < joined.shape[0] else []
        pending_frames = joined.shape[0] - cut
    if pending_frames:
        yield np.concatenate(pending)


def audio_rate_hz(path: Path) -> int:
    """The sample rate `read_audio` and `read_audio_blocks` return without resampling."""
    path = Path(path)
    if _uses_soundfile(path):
        return int(sf.info(str(path)).samplerate)
    return pyav.stream_rate_hz(path)
