"""An AIFF or AIFF-C file's layout, read in plain Python before anyone decodes it.

The COMM chunk says channels, frames, sample size and rate (an 80-bit float) up front, so the
limits are checked here as for WAV (`media.header`); the SSND chunk is walked to its real
length, because libsndfile quietly reads what is there of a file cut off mid-transfer.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from pathlib import Path

from voxbooth.server.media.chunks import walk_chunks
from voxbooth.server.media.errors import EmptyAudio, UndecodableAudio

# AIFF-C codings whose samples take a fixed number of bytes: the data's length is known
_UNCOMPRESSED = {b"NONE": 0, b"twos": 0, b"sowt": 0, b"raw ": 0, b"in24": 3, b"in32": 4,
                 b"fl32": 4, b"FL32": 4, b"fl64": 8, b"FL64": 8}


@dataclass(frozen=True)
class AiffLayout:
    channels: int
    frames: int
    bits_per_sample: int
    sample_rate_hz: float
    compression: bytes  # b"NONE" for plain AIFF
    data_bytes: int  # what the SSND chunk holds, as far as the file goes

    @property
    def bytes_per_frame(self) -> int | None:
        """None for compressed codings (their length is the codec's to say)."""
        if self.compression not in _UNCOMPRESSED:
            return None
        width = _UNCOMPRESSED[self.compression] or (self.bits_per_sample + 7) // 8
        return width * self.channels


def extended_to_float(raw: bytes) -> float:
    """The IEEE 754 80-bit extended float AIFF keeps its sample rate in."""
    sign_exponent, mantissa = struct.unpack(">HQ", raw)
    exponent = sign_exponent & 0x7FFF
    if exponent == 0x7FFF:
        return math.nan
    if exponent == 0 and mantissa == 0:
        return 0.0
    value = math.ldexp(mantissa, exponent - 16383 - 63)
    return -value if sign_exponent & 0x8000 else value


def read_aiff(path: Path) -> AiffLayout:
    """Raises UndecodableAudio for a missing COMM or SSND chunk or a nonsensical COMM chunk,
    EmptyAudio for no frames. Whether the data is all there: `check_complete`."""
    file_bytes = path.stat().st_size
    comm: tuple[int, int, int, float, bytes] | None = None
    ssnd: int | None = None  # bytes of sample data present
    with open(path, "rb") as inp:
        head = inp.read(12)
        if len(head) < 12:
            raise UndecodableAudio("the AIFF header is cut off")
        is_aifc = head[8:12] == b"AIFC"
        for chunk_id, size, pos in walk_chunks(inp, file_bytes, "big"):
            if chunk_id == b"COMM":
                body = inp.read(min(size, 64))
                if len(body) < (22 if is_aifc else 18):
                    raise UndecodableAudio("the AIFF COMM chunk is cut off")
                channels, frames, bits = struct.unpack(">hIh", body[:8])
                rate_hz = extended_to_float(body[8:18])
                coding = body[18:22] if is_aifc else b"NONE"
                if coding == b"ima4":  # IMA ADPCM counts packets of 64 frames
                    frames *= 64
                comm = (channels, frames, bits, rate_hz, coding)
            elif chunk_id == b"SSND":
                offset = struct.unpack(">I", inp.read(4).ljust(4, b"\0"))[0]
                present = max(0, min(size, file_bytes - pos - 8))
                ssnd = max(0, present - 8 - offset)
    if comm is None:
        raise UndecodableAudio("the AIFF file has no COMM chunk")
    channels, frames, bits, rate_hz, compression = comm
    if channels <= 0 or not math.isfinite(rate_hz) or rate_hz < 1 or bits <= 0:
        raise UndecodableAudio(f"the AIFF COMM chunk is invalid ({channels} channels, "
                               f"{rate_hz:g} Hz, {bits} bits)")
    if frames == 0:
        raise EmptyAudio("the AIFF file holds no audio frames")
    if ssnd is None:
        raise UndecodableAudio("the AIFF file has no SSND (sound data) chunk")
    return AiffLayout(channels, frames, bits, rate_hz, compression, ssnd)


def check_complete(layout: AiffLayout) -> None:
    """Raises UndecodableAudio when uncompressed sample data is shorter than COMM says."""
    per_frame = layout.bytes_per_frame
    if per_frame is None or layout.data_bytes >= layout.frames * per_frame:
        return
    rate_hz = layout.sample_rate_hz
    raise UndecodableAudio(
        f"AIFF header says {layout.frames / rate_hz:.2f} s but the file ends after "
        f"{layout.data_bytes // per_frame / rate_hz:.2f} s "
        f"({layout.frames * per_frame - layout.data_bytes} bytes missing)")
