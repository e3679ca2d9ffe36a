"""Streaming decode of a file, block by block, with the limits enforced while it decodes.

This module runs codecs (libsndfile, FFmpeg) on the bytes it is given: the service calls it
only inside the audio worker process (`media.isolation`). Memory stays at one block whatever
the file claims or holds; decoding stops as soon as the decoded length passes the limits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

from voxbooth.server.media import pyav
from voxbooth.server.media.errors import AudioRejected, UndecodableAudio
from voxbooth.server.media.header import check_header
from voxbooth.server.media.limits import (
    MAX_ABS_SAMPLE,
    TAKES,
    AudioLimits,
    check_frames,
    check_shape,
    hidden_length_refused,
)
from voxbooth.server.media.sniff import Sniffed, sniff_file

# Formats libsndfile 1.2 reads; the rest go through PyAV.
SOUNDFILE_FORMATS = frozenset({"wav", "aiff", "flac", "ogg", "opus", "mp3"})
BLOCK_FRAMES = 65536
_UNKNOWN_LENGTH = 2**62
_INTEGER_SUBTYPES = ("PCM_", "ULAW", "ALAW")


@dataclass
class Decoding:
    """An open file: what its header or codec says, and its samples as checked blocks."""

    sniffed: Sniffed
    rate_hz: int
    channels: int
    declared_frames: int  # what the header or container says; 0 when unknown
    subtype: str  # "PCM_16", "FLOAT", "VORBIS", "AAC", ...
    decoder: str  # "soundfile" or "pyav"
    limits: AudioLimits
    _pieces: Iterator[np.ndarray]
    size_bytes: int = 0  # of the file: what a file that hides its length may decode to
    decoded_frames: int = field(default=0, init=False)
    _raw_frames: int = field(default=0, init=False)

    @property
    def integer_samples(self) -> bool:
        """Integer PCM (WAV, FLAC) cannot hold NaN or overs: no need to check each sample."""
        return self.decoder == "soundfile" and self.subtype.startswith(_INTEGER_SUBTYPES)

    def blocks(self, block_frames: int = BLOCK_FRAMES) -> Iterator[np.ndarray]:
        """float32 (frames, channels) blocks of `block_frames` (the last may be shorter).

        Raises an AudioRejected as soon as the audio is longer than the limits allow (or,
        when the header does not say its length, than the file's size allows), or holds a
        sample that is NaN, infinite or beyond MAX_ABS_SAMPLE."""
        max_frames = self.limits.max_frames(self.rate_hz, self.channels)
        hidden_frames = max_frames if self.declared_frames else \
            self.limits.max_hidden_length_samples(self.size_bytes) // self.channels
        check_samples = not self.integer_samples
        for block in self._decoded(block_frames):
            start = self.decoded_frames
            self.decoded_frames += block.shape[0]
            if self.decoded_frames > max_frames:
                check_frames(self.limits, self.decoded_frames, self.rate_hz, self.channels,
                             at_least=True)
            if self.decoded_frames > hidden_frames:
                raise hidden_length_refused(self.limits, self.decoded_frames, self.rate_hz,
                                            self.channels, self.size_bytes)
            if check_samples:
                _check_finite(block, start, self.rate_hz)
            yield block

    def _counted(self) -> Iterator[np.ndarray]:
        for piece in self._pieces:
            self._raw_frames += piece.shape[0]
            yield piece

    def _decoded(self, block_frames: int) -> Iterator[np.ndarray]:
        pieces = _rebuffer(self._counted(), block_frames)
        while True:
            try:
                block = next(pieces, None)
            except UndecodableAudio as exc:
                if not self.declared_frames:
                    raise
                raise UndecodableAudio(
                    f"the header says {self.declared_frames / self.rate_hz:.2f} s but the audio "
                    f"ends after {self._raw_frames / self.rate_hz:.2f} s (the file is cut "
                    f"off or damaged: {exc.why})") from exc
            if block is None:
                return
            yield block


def _check_finite(block: np.ndarray, start_frame: int, rate_hz: int) -> None:
    # One pass in the common case: the maximum is NaN when any sample is, and fails the test.
    if block.size == 0 or float(np.abs(block).max()) <= MAX_ABS_SAMPLE:
        return
    bad = ~(np.abs(block) <= MAX_ABS_SAMPLE)  # NaN compares False: it lands here too
    where = int(np.flatnonzero(bad.any(axis=1))[0])
    value = float(block[where][bad[where]][0])
    at_s = (start_frame + where) / rate_hz
    raise UndecodableAudio(
        f"the audio holds an invalid sample ({value:g}) at {at_s:.3f} s; samples must be "
        f"finite numbers within +-{MAX_ABS_SAMPLE:g}")


@contextmanager
def decoding(path: Path, limits: AudioLimits = TAKES) -> Iterator[Decoding]:
    """Opens `path` for decoding after checking its header and what the codec reports."""
    path = Path(path)
    sniffed = sniff_file(path)
    check_header(path, limits, sniffed)
    with ExitStack() as stack:
        opened = None
        if sniffed.format in SOUNDFILE_FORMATS:
            try:
                opened = _open_soundfile(stack, path, sniffed, limits)
            except _LengthUnknown:
                opened = _open_pyav(stack, path, sniffed, limits)
            except sf.LibsndfileError as exc:
                # WAV and AIFF-C flavours libsndfile lacks (compressed codecs) may still decode.
                why = getattr(exc, "error_string", None) or str(exc)
                try:
                    opened = _open_pyav(stack, path, sniffed, limits)
                except AudioRejected as fallback:
                    if not isinstance(fallback, UndecodableAudio):
                        raise  # a limit FFmpeg read (channels, rate): that is the answer
                    raise UndecodableAudio(f"{sniffed.container}: {why}") from exc
        else:
            opened = _open_pyav(stack, path, sniffed, limits)
        yield opened


class _LengthUnknown(Exception):
    """A FLAC whose STREAMINFO does not say its length (as a streaming encoder leaves it):
    libsndfile 1.2 decodes it but fails at its end (psf_fseek), FFmpeg reads it whole."""


def _open_soundfile(stack: ExitStack, path: Path, sniffed: Sniffed,
                    limits: AudioLimits) -> Decoding:
    audio = stack.enter_context(sf.SoundFile(str(path)))
    rate_hz, channels = int(audio.samplerate), int(audio.channels)
    check_shape(channels, rate_hz)
    declared = int(audio.frames)
    if not 0 < declared < _UNKNOWN_LENGTH:  # libsndfile says 2^63 - 1 for "unknown"
        declared = 0
        if sniffed.format == "flac":
            raise _LengthUnknown()
    if declared:
        check_frames(limits, declared, rate_hz, channels)

    def pieces() -> Iterator[np.ndarray]:
        while True:
            try:
                block = audio.read(BLOCK_FRAMES, dtype="float32", always_2d=True)
            except (sf.LibsndfileError, RuntimeError) as exc:
                raise UndecodableAudio(f"libsndfile stopped decoding ({exc})") from exc
            if block.shape[0] == 0:
                return
            yield block

    return Decoding(sniffed, rate_hz, channels, declared, str(audio.subtype), "soundfile",
                    limits, pieces(), path.stat().st_size)


def _open_pyav(stack: ExitStack, path: Path, sniffed: Sniffed, limits: AudioLimits) -> Decoding:
    container, stream, info = stack.enter_context(pyav.opened(path))
    check_shape(info.channels, info.sample_rate_hz)
    if info.declared_frames:
        check_frames(limits, info.declared_frames, info.sample_rate_hz, info.channels)
    return Decoding(sniffed, info.sample_rate_hz, info.channels, info.declared_frames,
                    info.codec, "pyav", limits, pyav.decode(container, stream, info.channels),
                    path.stat().st_size)


def _rebuffer(pieces: Iterator[np.ndarray], block_frames: int) -> Iterator[np.ndarray]:
    pending: list[np.ndarray] = []
    pending_frames = 0
    for piece in pieces:
        if piece.shape[0] == 0:
            continue
        if not pending and piece.shape[0] == block_frames:
            yield piece
            continue
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


def read_audio_blocks(
    path: Path, block_frames: int, *, mono: bool = False, limits: AudioLimits = TAKES
) -> Iterator[np.ndarray]:
    """float32 blocks of exactly `block_frames` frames (the last may be shorter), in order.

    Shape (block_frames, channels), or (block_frames,) when `mono`. Runs the codec in this
    process: for the worker, and for audio the service wrote itself."""
    if block_frames <= 0:
        raise ValueError("block_frames must be positive")
    with decoding(path, limits) as audio:
        for block in audio.blocks(block_frames):
            yield block.mean(axis=1, dtype=np.float32) if mono else block


def audio_rate_hz(path: Path) -> int:
    """The sample rate blocks are decoded at (runs the codec in this process, as above)."""
    with decoding(path) as audio:
        return audio.rate_hz


def empty_if_nothing(audio: Decoding) -> None:
    if audio.decoded_frames:
        return
    if audio.declared_frames:
        raise UndecodableAudio(
            f"the header says {audio.declared_frames / audio.rate_hz:.2f} s but no audio frames "
            "could be decoded (the file is cut off or damaged)")
    raise UndecodableAudio("no audio frames could be decoded (the file may be cut off)")
