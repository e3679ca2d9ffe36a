"""What an uploaded file holds: format, rate, channels, length, checked before it is kept."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from voxbooth.server.media import pyav
from voxbooth.server.media.errors import AudioRejected, UndecodableAudio
from voxbooth.server.media.limits import check_layout
from voxbooth.server.media.sniff import Sniffed, sniff_file
from voxbooth.server.media.wavcheck import check_wav

# Formats libsndfile 1.2 reads; the rest go through PyAV.
SOUNDFILE_FORMATS = frozenset({"wav", "flac", "ogg", "opus", "mp3"})
_CHECK_FRAMES = 4096


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


def probe(path: Path) -> AudioInfo:
    """Sniffs and checks `path`; raises an AudioRejected subclass naming the problem."""
    info = _probe_any(Path(path))
    check_layout(info)
    return info


def _probe_any(path: Path) -> AudioInfo:
    size_bytes = path.stat().st_size
    sniffed = sniff_file(path)
    if sniffed.format == "wav":
        check_wav(path)
    if sniffed.format in SOUNDFILE_FORMATS:
        try:
            return _probe_soundfile(path, sniffed, size_bytes)
        except sf.LibsndfileError as exc:
            # WAV flavours libsndfile lacks (e.g. compressed codecs in RIFF) may still decode.
            return _probe_fallback(path, sniffed, size_bytes, exc)
    return _probe_pyav(path, sniffed, size_bytes, count_frames=sniffed.format == "aac")


def _probe_soundfile(path: Path, sniffed: Sniffed, size_bytes: int) -> AudioInfo:
    info = sf.info(str(path))
    if info.samplerate <= 0 or info.channels <= 0:
        raise UndecodableAudio("the header gives no sample rate or channel count")
    frames = int(info.frames)
    if frames <= 0:
        raise UndecodableAudio("no audio frames could be decoded (the file may be cut off)")
    with sf.SoundFile(str(path)) as audio:
        first = audio.read(_CHECK_FRAMES, dtype="float32", always_2d=True)
        if first.shape[0] == 0:
            raise UndecodableAudio("no audio frames could be decoded")
        if not np.isfinite(first).all():
            raise UndecodableAudio("the first samples are not finite numbers")
        _check_reaches_end(audio, path, frames)
    return AudioInfo(
        format=sniffed.format,
        mime=sniffed.mime,
        sample_rate=int(info.samplerate),
        channels=int(info.channels),
        frames=frames,
        duration_s=frames / info.samplerate,
        size_bytes=size_bytes,
        subtype=str(info.subtype),
        container=sniffed.container,
        decoder="soundfile",
    )


def _check_reaches_end(audio: sf.SoundFile, path: Path, frames: int) -> None:
    """A cut FLAC or MP3 keeps the full length in its header: decode the last block to see."""
    start = max(0, frames - _CHECK_FRAMES)
    try:
        audio.seek(start)
        tail_frames = audio.read(frames - start, dtype="float32", always_2d=True).shape[0]
    except (sf.LibsndfileError, RuntimeError):
        tail_frames = 0
    if tail_frames == frames - start:
        return
    decodable = _decodable_frames(path)
    rate_hz = audio.samplerate
    raise UndecodableAudio(
        f"the header says {frames / rate_hz:.2f} s but the audio ends after "
        f"{decodable / rate_hz:.2f} s (the file is cut off or damaged)")


def _decodable_frames(path: Path) -> int:
    count = 0
    try:
        with sf.SoundFile(str(path)) as audio:
            while True:
                got = audio.read(_CHECK_FRAMES, dtype="float32", always_2d=True).shape[0]
                if got == 0:
                    break
                count += got
    except (sf.LibsndfileError, RuntimeError):
        pass
    return count


def _probe_fallback(
    path: Path, sniffed: Sniffed, size_bytes: int, cause: sf.LibsndfileError
) -> AudioInfo:
    try:
        return _probe_pyav(path, sniffed, size_bytes, count_frames=True)
    except AudioRejected:
        why = cause.error_string if hasattr(cause, "error_string") else str(cause)
        raise UndecodableAudio(f"{sniffed.container}: {why}") from cause


def _probe_pyav(path: Path, sniffed: Sniffed, size_bytes: int, *, count_frames: bool) -> AudioInfo:
    stream = pyav.probe_stream(path, count_frames=count_frames)
    return AudioInfo(
        format=sniffed.format,
        mime=sniffed.mime,
        sample_rate=stream.sample_rate_hz,
        channels=stream.channels,
        frames=stream.frames,
        duration_s=stream.frames / stream.sample_rate_hz,
        size_bytes=size_bytes,
        subtype=stream.codec,
        container=sniffed.container,
        decoder="pyav",
    )
