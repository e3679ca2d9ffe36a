"""Decoding through PyAV (FFmpeg): M4A/AAC, which libsndfile cannot read, and a fallback.

Runs in the audio worker process only (`media.isolation`): FFmpeg parses untrusted bytes.
Everything the container says (rate, channels, length) is read defensively: a WAV with format
tag 0xFFFF or 65535 bits gives FFmpeg a stream without a rate, and `stream.rate` then raises.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import av
import av.error
import numpy as np

from voxbooth.server.media.errors import UndecodableAudio, UnsupportedAudio

# FFmpeg sample format -> (numpy dtype, scale to +-1.0, offset) of interleaved/planar samples
_SCALES: dict[str, tuple[float, float]] = {
    "u8": (1 / 128, -128.0), "s16": (1 / 32768, 0.0), "s32": (1 / 2**31, 0.0),
    "s64": (1 / 2**63, 0.0), "flt": (1.0, 0.0), "dbl": (1.0, 0.0),
}


@dataclass(frozen=True)
class StreamInfo:
    sample_rate_hz: int
    channels: int
    declared_frames: int  # 0 when the container does not say
    codec: str


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


@contextmanager
def opened(path: Path) -> Iterator[tuple[av.container.InputContainer, av.AudioStream, StreamInfo]]:
    try:
        container = av.open(str(path), mode="r")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise UndecodableAudio(f"FFmpeg cannot open it ({_reason(exc)})") from exc
    with container:
        if not container.streams.audio:
            raise UnsupportedAudio(f"{container.format.name} container without an audio track")
        stream = container.streams.audio[0]
        yield container, stream, _stream_info(container, stream)


def _stream_info(container: av.container.InputContainer, stream: av.AudioStream) -> StreamInfo:
    try:
        ctx = stream.codec_context
        rate_hz = int(ctx.sample_rate or 0)
        channels = int(ctx.channels or 0)
        codec = str(ctx.name).upper()
    except (TypeError, ValueError, AttributeError, av.error.FFmpegError) as exc:
        raise UndecodableAudio(f"FFmpeg reads no usable stream parameters ({exc})") from exc
    if rate_hz <= 0 or channels <= 0:
        raise UndecodableAudio(f"the {codec} stream gives no sample rate or channel count")
    return StreamInfo(rate_hz, channels, _declared_frames(container, stream, rate_hz), codec)


def _declared_frames(
    container: av.container.InputContainer, stream: av.AudioStream, rate_hz: int
) -> int:
    try:
        if stream.duration is not None and stream.time_base is not None:
            return max(0, round(float(stream.duration * stream.time_base) * rate_hz))
        if container.duration is not None:
            return max(0, round(container.duration / av.time_base * rate_hz))
    except (TypeError, ValueError, OverflowError, ZeroDivisionError):
        pass
    return 0


def decode(container: av.container.InputContainer, stream: av.AudioStream,
           channels: int) -> Iterator[np.ndarray]:
    """float32 (frames, channels) pieces of varying length, in order."""
    try:
        for frame in container.decode(stream):
            yield _as_float(frame, channels)
    except av.error.FFmpegError as exc:
        raise UndecodableAudio(f"FFmpeg stopped decoding ({_reason(exc)})") from exc


def _as_float(frame: av.AudioFrame, channels: int) -> np.ndarray:
    fmt = frame.format
    name = fmt.name.removesuffix("p")
    if name not in _SCALES:
        raise UndecodableAudio(f"FFmpeg decodes it to an unknown sample format {fmt.name}")
    if len(frame.layout.channels) != channels:
        raise UndecodableAudio("the channel count changes inside the stream")
    raw = frame.to_ndarray()
    scale, offset = _SCALES[name]
    samples = raw.T if fmt.is_planar else raw.reshape(-1, channels)
    out = samples.astype(np.float32)
    if offset:
        out += offset
    if scale != 1.0:
        out *= scale
    return out

