"""What an uploaded file holds, verified by decoding all of it against the limits.

`verify` and `read_samples` run codecs: the service calls them in the audio worker only
(`media.isolation`); `media.probe` and `media.read_audio` are the calls the service makes.
A file is kept only when every block decodes: a damaged M4A or FLAC whose first packets are
fine is refused with where it ends, not accepted after its first packet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voxbooth.server.media.decode import Decoding, decoding, empty_if_nothing
from voxbooth.server.media.errors import AudioRejected, UndecodableAudio
from voxbooth.server.media.limits import (
    MAX_READ_SAMPLES,
    TAKES,
    AudioLimits,
    check_limits_duration,
    format_duration,
)
from voxbooth.server.media.resample import StreamResampler

# Lossy decoders add or drop encoder delay and padding, and some headers only estimate the
# length: decoding may end this much before the declared end without the file being cut.
_LOSSY_SLACK = 0.02
_LOSSY_SLACK_S = 0.1
_EXACT_SUBTYPES = ("PCM", "FLOAT", "DOUBLE", "ULAW", "ALAW")


@dataclass(frozen=True)
class AudioInfo:
    format: str  # "wav", "flac", "ogg", "opus", "mp3", "m4a", "aac"
    mime: str
    sample_rate: int  # Hz
    channels: int
    frames: int
    duration_s: float
    size_bytes: int
    subtype: str  # "PCM_24", "FLOAT", "VORBIS", "OPUS", "MPEG_LAYER_III", "AAC", ...
    container: str = ""  # what the sniffer saw, e.g. "RF64" or "ISO BMFF (M4A)"
    decoder: str = "soundfile"  # "soundfile" or "pyav": which library reads it back


def _check_complete(audio: Decoding) -> None:
    """A cut FLAC, MP3 or M4A keeps the full length in its header: compare with what decoded."""
    declared, decoded, rate_hz = audio.declared_frames, audio.decoded_frames, audio.rate_hz
    if not declared or decoded >= declared:
        return
    exact = (audio.decoder == "soundfile" and audio.subtype.startswith(_EXACT_SUBTYPES)) \
        or audio.sniffed.format == "flac"
    slack = 0 if exact else int(declared * _LOSSY_SLACK + _LOSSY_SLACK_S * rate_hz)
    if decoded + slack >= declared:
        return
    raise UndecodableAudio(
        f"the header says {declared / rate_hz:.2f} s but the audio ends after "
        f"{decoded / rate_hz:.2f} s (the file is cut off or damaged)")


def verify(path: Path, limits: AudioLimits = TAKES) -> AudioInfo:
    """Decodes all of `path`; raises an AudioRejected subclass naming the problem."""
    path = Path(path)
    size_bytes = path.stat().st_size
    with decoding(path, limits) as audio:
        for _block in audio.blocks():
            pass
        empty_if_nothing(audio)
        _check_complete(audio)
    frames = audio.decoded_frames
    check_limits_duration(limits, frames / audio.rate_hz)
    return AudioInfo(
        format=audio.sniffed.format, mime=audio.sniffed.mime, sample_rate=audio.rate_hz,
        channels=audio.channels, frames=frames, duration_s=frames / audio.rate_hz,
        size_bytes=size_bytes, subtype=audio.subtype, container=audio.sniffed.container,
        decoder=audio.decoder)


def read_samples(path: Path, *, mono: bool = False, target_rate_hz: int | None = None,
                 limits: AudioLimits = TAKES) -> tuple[np.ndarray, int]:
    """All samples as float32, shape (frames, channels), or (frames,) when `mono`.

    Mono is the channel mean, taken block by block before resampling, so memory is the
    result's size (10 min at 16 kHz: 38 MB) whatever the file's rate and channel count."""
    pieces: list[np.ndarray] = []
    held = 0
    with decoding(Path(path), limits) as audio:
        rate_hz, channels = audio.rate_hz, 1 if mono else audio.channels
        resampler = None
        if target_rate_hz is not None and target_rate_hz != rate_hz:
            resampler = StreamResampler(rate_hz, target_rate_hz, channels)
        for block in audio.blocks():
            if mono:
                block = block.mean(axis=1, keepdims=True, dtype=np.float32)
            pieces.append(resampler.process(block) if resampler else block)
            held += pieces[-1].size
            if held > MAX_READ_SAMPLES:
                raise AudioRejected(
                    413, f"Audio is too long to analyse whole (over "
                    f"{format_duration(audio.decoded_frames / rate_hz)} at this rate and "
                    f"channel count)")
        if resampler is not None:
            pieces.append(resampler.flush())
        empty_if_nothing(audio)
        frames = audio.decoded_frames
    samples = np.concatenate(pieces) if pieces else np.zeros((0, channels), np.float32)
    if resampler is not None:
        # the resampler's delay leaves a frame more or less than the exact ratio gives
        rate_hz = int(target_rate_hz or rate_hz)
        expected = round(frames * rate_hz / audio.rate_hz)
        samples = samples[:expected]
        if samples.shape[0] < expected:
            samples = np.concatenate(
                [samples, np.zeros((expected - samples.shape[0], channels), np.float32)])
    if mono:
        samples = samples[:, 0]
    return np.ascontiguousarray(samples, dtype=np.float32), int(rate_hz)
