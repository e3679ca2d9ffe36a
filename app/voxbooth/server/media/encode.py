"""Writing samples in the formats the service serves (`?format=wav|flac|ogg|mp3`).

`transcode` streams block by block (a 1 h 96 kHz take served as MP3 costs a few MB) and runs
codecs on stored uploads: the service calls it in the audio worker only (`media.isolation`).

What each format cannot hold, and what the service does about it:
- MP3 holds 1 or 2 channels at the MPEG rates (8 to 48 kHz). A take with more channels is
  mixed to mono, and other rates are resampled to the nearest MPEG rate (96 kHz to 48 kHz).
  An MP3 is a listening copy: a voice artist expects to hear the take, and several
  microphones on one voice mix to that voice; with no speaker layout in a take there is no
  honest left and right to pick, so mono, not stereo.
- Ogg Vorbis maps at most 8 channels to speakers, and libvorbis crashes above about 200 kHz:
  more channels are mixed to mono, rates above 48 kHz are resampled to 48 kHz (a listening
  copy gains nothing above that, and lossy encoders low-pass far below it anyway).
- FLAC holds at most 8 channels. FLAC is asked for to keep every sample, so a take with more
  channels is refused with a 422 that says so and points to WAV, never silently mixed down.
- WAV holds everything the service accepts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import soundfile as sf

from voxbooth.server.media.decode import BLOCK_FRAMES, decoding, empty_if_nothing
from voxbooth.server.media.errors import AudioRejected
from voxbooth.server.media.limits import TAKES, AudioLimits
from voxbooth.server.media.resample import StreamResampler
from voxbooth.server.media.served import FORMATS, check_format

# libsndfile's LAME binding only takes the MPEG sample rates
_MP3_RATES_HZ = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)
_OGG_MAX_RATE_HZ = 48000
_MAX_CHANNELS = {"mp3": 2, "ogg": 8, "flac": 8}
_MIXED_TO_MONO = frozenset({"mp3", "ogg"})


@dataclass(frozen=True)
class _Plan:
    rate_hz: int
    channels: int
    mix_to_mono: bool


def _plan(fmt: str, rate_hz: int, channels: int) -> _Plan:
    """What a `fmt` file made from `channels` x `rate_hz` holds (see the module docstring)."""
    out_rate_hz = rate_hz
    if fmt == "mp3" and rate_hz not in _MP3_RATES_HZ:
        out_rate_hz = min(_MP3_RATES_HZ, key=lambda r: (abs(r - rate_hz), -r))
    elif fmt == "ogg":
        out_rate_hz = min(rate_hz, _OGG_MAX_RATE_HZ)
    limit = _MAX_CHANNELS.get(fmt)
    if limit is None or channels <= limit:
        return _Plan(out_rate_hz, channels, False)
    if fmt in _MIXED_TO_MONO:
        return _Plan(out_rate_hz, 1, True)
    raise AudioRejected(
        422, f"{fmt.upper()} holds at most {limit} channels and this audio has {channels}: "
        "ask for format=wav, which keeps every channel")


def _subtype(fmt: str, subtype: str | None) -> str:
    major, default, _, _ = FORMATS[check_format(fmt)]
    chosen = subtype or default
    if not sf.check_format(major, chosen):
        raise ValueError(f"{fmt} cannot hold {chosen} samples")
    return chosen


class _Writer:
    """Blocks in, a file in `fmt` out: mixing, resampling and clipping as the plan says."""

    def __init__(self, dest: str | BinaryIO, fmt: str, subtype: str, rate_hz: int,
                 channels: int) -> None:
        self.plan = _plan(fmt, rate_hz, channels)
        self._clip = subtype.startswith("PCM") or fmt in _MIXED_TO_MONO
        self._resampler = (StreamResampler(rate_hz, self.plan.rate_hz, self.plan.channels)
                           if self.plan.rate_hz != rate_hz else None)
        self._out = sf.SoundFile(dest, "w", samplerate=self.plan.rate_hz,
                                 channels=self.plan.channels, format=FORMATS[fmt][0],
                                 subtype=subtype)

    def write(self, block: np.ndarray) -> None:
        data = np.asarray(block, dtype=np.float32)
        if data.ndim == 1:
            data = data[:, None]
        if self.plan.mix_to_mono:
            data = data.mean(axis=1, keepdims=True, dtype=np.float32)
        if self._resampler is not None:
            data = self._resampler.process(data)
        self._put(data)

    def _put(self, data: np.ndarray) -> None:
        # Stored takes were checked for finite samples at upload; older ones may not have been.
        data = np.nan_to_num(data, nan=0.0, posinf=1.0, neginf=-1.0)
        if self._clip:
            data = np.clip(data, -1.0, 1.0)
        if data.shape[0]:
            self._out.write(data)

    def close(self) -> None:
        if self._resampler is not None:
            self._put(self._resampler.flush())
        self._out.close()


def encode_audio(
    samples: np.ndarray, rate_hz: int, fmt: str, *, subtype: str | None = None
) -> bytes:
    """Samples (frames,) or (frames, channels) as a complete file in `fmt`, in memory.

    WAV and FLAC default to PCM_16; pass subtype="FLOAT" (WAV) or "PCM_24" for more.
    """
    buffer = io.BytesIO()
    write_audio(buffer, samples, rate_hz, fmt, subtype=subtype)
    return buffer.getvalue()


def write_audio(
    dest: Path | BinaryIO, samples: np.ndarray, rate_hz: int, fmt: str,
    *, subtype: str | None = None,
) -> None:
    data = np.asarray(samples, dtype=np.float32)
    channels = 1 if data.ndim == 1 else data.shape[1]
    writer = _Writer(str(dest) if isinstance(dest, Path) else dest, fmt,
                     _subtype(fmt, subtype), rate_hz, channels)
    try:
        for start in range(0, data.shape[0], BLOCK_FRAMES):
            writer.write(data[start: start + BLOCK_FRAMES])
    finally:
        writer.close()


# A high-resolution original keeps its resolution when served as WAV or FLAC.
_KEEP_RESOLUTION = {
    ("wav", "PCM_24"): "PCM_24", ("wav", "PCM_32"): "PCM_32", ("wav", "FLOAT"): "FLOAT",
    ("wav", "DOUBLE"): "FLOAT", ("flac", "PCM_24"): "PCM_24", ("flac", "PCM_32"): "PCM_24",
    ("flac", "FLOAT"): "PCM_24", ("flac", "DOUBLE"): "PCM_24",
}


def transcode(src: Path, dest: Path, fmt: str, *, subtype: str | None = None,
              limits: AudioLimits = TAKES) -> None:
    """Re-encodes the file at `src` into `dest` block by block (memory stays at one block).

    Without `subtype`, WAV and FLAC are 16-bit unless the source has more resolution (24-bit,
    32-bit or float sources stay 24-bit or float). Runs codecs in this process: worker only."""
    check_format(fmt)
    with decoding(Path(src), limits) as audio:
        if subtype is None and fmt in ("wav", "flac"):
            subtype = _KEEP_RESOLUTION.get((fmt, audio.subtype))
        writer = _Writer(str(dest), fmt, _subtype(fmt, subtype), audio.rate_hz, audio.channels)
        try:
            for block in audio.blocks():
                writer.write(block)
        finally:
            writer.close()
        empty_if_nothing(audio)
