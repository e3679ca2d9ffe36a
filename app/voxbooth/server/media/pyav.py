"""Decoding through PyAV (FFmpeg): M4A/AAC, which libsndfile cannot read, and a fallback."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import av.error
import numpy as np

from voxbooth.server.media.errors import EmptyAudio, UndecodableAudio, UnsupportedAudio


@dataclass(frozen=True)
class StreamInfo:
    sample_rate_hz: int
    channels: int
    frames: int
    codec: str


def _open(path: Path) -> av.container.InputContainer:
    try:
        return av.open(str(path), mode="r")
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise UndecodableAudio(f"FFmpeg cannot open it ({_reason(exc)})") from exc


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def probe_stream(path: Path, *, count_frames: bool) -> StreamInfo:
    """Stream facts; `count_frames` decodes everything (ADTS has no trustworthy length)."""
    with _open(path) as container:
        if not container.streams.audio:
            raise UnsupportedAudio(f"{container.format.name} container without an audio track")
        stream = container.streams.audio[0]
        rate_hz = int(stream.rate or stream.codec_context.sample_rate or 0)
        channels = int(stream.codec_context.channels or 0)
        codec = stream.codec_context.name.upper()
        if count_frames:
            frames = sum(block.shape[0] for block in _decode(container, stream))
        else:
            frames = _declared_frames(container, stream, rate_hz)
            # Decode the first packets anyway: a valid header over garbage must not pass.
            if next(_decode(container, stream), None) is None:
                raise EmptyAudio("no audio frames could be decoded")
    if rate_hz <= 0 or channels <= 0:
        raise UndecodableAudio(f"the {codec} stream gives no sample rate or channel count")
    if frames <= 0:
        raise EmptyAudio("no audio frames could be decoded")
    return StreamInfo(rate_hz, channels, frames, codec)


def _declared_frames(
    container: av.container.InputContainer, stream: av.AudioStream, rate_hz: int
) -> int:
    if stream.duration is not None and stream.time_base is not None:
        return round(float(stream.duration * stream.time_base) * rate_hz)
    if container.duration is not None:
        return round(container.duration / av.time_base * rate_hz)
    return 0


def _decode(
    container: av.container.InputContainer, stream: av.AudioStream
) -> Iterator[np.ndarray]:
    """Yields float32 (frames, channels) arrays, converted to packed float by FFmpeg."""
    resampler = av.AudioResampler(format="flt", layout=stream.layout, rate=stream.rate)
    try:
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                yield _packed(out)
        for out in resampler.resample(None):
            yield _packed(out)
    except av.error.FFmpegError as exc:
        raise UndecodableAudio(f"FFmpeg stopped decoding ({_reason(exc)})") from exc


def _packed(frame: av.AudioFrame) -> np.ndarray:
    channels = len(frame.layout.channels)
    return frame.to_ndarray().reshape(-1, channels).astype(np.float32, copy=False)


def iter_decoded(path: Path) -> Iterator[np.ndarray]:
    """The whole first audio stream as float32 (frames, channels) pieces of varying length."""
    with _open(path) as container:
        if not container.streams.audio:
            raise UnsupportedAudio(f"{container.format.name} container without an audio track")
        stream = container.streams.audio[0]
        yield from _decode(container, stream)


def stream_rate_hz(path: Path) -> int:
    with _open(path) as container:
        if not container.streams.audio:
            raise UnsupportedAudio(f"{container.format.name} container without an audio track")
        return int(container.streams.audio[0].rate)
