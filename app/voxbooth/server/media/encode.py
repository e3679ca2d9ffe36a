"""Writing samples in the formats the service serves (`?format=wav|flac|ogg|mp3`)."""

from __future__ import annotations

import io
import itertools
from pathlib import Path
from typing import BinaryIO

import numpy as np
import soundfile as sf

from voxbooth.server.media.decode import audio_rate_hz, read_audio, read_audio_blocks, resample

# format -> (libsndfile major format, default subtype, MIME type, file extension)
_FORMATS: dict[str, tuple[str, str, str, str]] = {
    "wav": ("WAV", "PCM_16", "audio/wav", "wav"),
    "flac": ("FLAC", "PCM_16", "audio/flac", "flac"),
    "ogg": ("OGG", "VORBIS", "audio/ogg", "ogg"),
    "mp3": ("MP3", "MPEG_LAYER_III", "audio/mpeg", "mp3"),
}
SERVABLE_FORMATS: tuple[str, ...] = tuple(_FORMATS)
# libsndfile's LAME binding only takes the MPEG sample rates
_MP3_RATES_HZ = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)
_BLOCK_FRAMES = 65536


def served_mime(fmt: str) -> str:
    return _FORMATS[_check_format(fmt)][2]


def served_extension(fmt: str) -> str:
    return _FORMATS[_check_format(fmt)][3]


def _check_format(fmt: str) -> str:
    if fmt not in _FORMATS:
        raise ValueError(f"format must be one of {', '.join(_FORMATS)}, not {fmt!r}")
    return fmt


def _output_rate_hz(fmt: str, rate_hz: int) -> int:
    if fmt != "mp3" or rate_hz in _MP3_RATES_HZ:
        return rate_hz
    return min(_MP3_RATES_HZ, key=lambda r: (abs(r - rate_hz), -r))


def _subtype(fmt: str, subtype: str | None) -> str:
    major, default, _, _ = _FORMATS[_check_format(fmt)]
    chosen = subtype or default
    if not sf.check_format(major, chosen):
        raise ValueError(f"{fmt} cannot hold {chosen} samples")
    return chosen


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
    chosen = _subtype(fmt, subtype)
    out_rate_hz = _output_rate_hz(fmt, rate_hz)
    data = np.asarray(samples, dtype=np.float32)
    if out_rate_hz != rate_hz:
        data = resample(data, rate_hz, out_rate_hz)
    channels = 1 if data.ndim == 1 else data.shape[1]
    target = str(dest) if isinstance(dest, Path) else dest
    with sf.SoundFile(target, "w", samplerate=out_rate_hz, channels=channels,
                      format=_FORMATS[fmt][0], subtype=chosen) as out:
        out.write(np.clip(data, -1.0, 1.0) if chosen.startswith("PCM") else data)


# A high-resolution original keeps its resolution when served as WAV or FLAC.
_KEEP_RESOLUTION = {
    ("wav", "PCM_24"): "PCM_24", ("wav", "PCM_32"): "PCM_32", ("wav", "FLOAT"): "FLOAT",
    ("wav", "DOUBLE"): "FLOAT", ("flac", "PCM_24"): "PCM_24", ("flac", "PCM_32"): "PCM_24",
    ("flac", "FLOAT"): "PCM_24", ("flac", "DOUBLE"): "PCM_24",
}


def _source_subtype(src: Path) -> str | None:
    try:
        return str(sf.info(str(src)).subtype)
    except sf.LibsndfileError:
        return None


def transcode(src: Path, dest: Path, fmt: str, *, subtype: str | None = None) -> None:
    """Re-encodes the file at `src` into `dest` block by block (memory stays at one block).

    Without `subtype`, WAV and FLAC are 16-bit unless the source has more resolution (24-bit,
    32-bit or float sources stay 24-bit or float)."""
    if subtype is None and fmt in ("wav", "flac"):
        subtype = _KEEP_RESOLUTION.get((fmt, _source_subtype(src) or ""))
    chosen = _subtype(fmt, subtype)
    rate_hz = audio_rate_hz(src)
    if _output_rate_hz(fmt, rate_hz) != rate_hz:
        # Rare (e.g. 96 kHz to MP3): resample whole rather than with seams at block edges.
        samples, _ = read_audio(src)
        write_audio(dest, samples, rate_hz, fmt, subtype=chosen)
        return
    blocks = read_audio_blocks(src, _BLOCK_FRAMES)
    first = next(blocks, None)
    if first is None:
        raise ValueError(f"{src} holds no audio frames")
    with sf.SoundFile(str(dest), "w", samplerate=rate_hz, channels=first.shape[1],
                      format=_FORMATS[fmt][0], subtype=chosen) as out:
        clip = chosen.startswith("PCM")
        for block in itertools.chain((first,), blocks):
            out.write(np.clip(block, -1.0, 1.0) if clip else block)
