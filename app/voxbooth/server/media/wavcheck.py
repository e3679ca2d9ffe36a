"""A WAV file's chunk layout, checked against its real length before anyone decodes it.

libsndfile quietly accepts a WAV whose data chunk claims more bytes than the file holds (it reads
what is there), so an upload cut off mid-transfer would be kept as a shorter take. Walking the
chunks ourselves lets the service refuse it and say by how much it is short.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from voxbooth.server.media.chunks import walk_chunks
from voxbooth.server.media.errors import EmptyAudio, UndecodableAudio

_UNKNOWN_SIZES = (0, 0xFFFFFFFF)  # what streaming writers leave when they never seek back


@dataclass(frozen=True)
class WavLayout:
    format_tag: int
    channels: int
    sample_rate_hz: int
    block_align: int
    bits_per_sample: int
    data_offset: int
    data_bytes: int
    subformat_tag: int = 0  # WAVE_FORMAT_EXTENSIBLE: the real tag, from the SubFormat GUID

    @property
    def encoding_tag(self) -> int:
        """The format tag that says how samples are coded (1 PCM, 3 float, ...)."""
        return self.subformat_tag if self.format_tag == 0xFFFE else self.format_tag

    @property
    def frames(self) -> int:
        return self.data_bytes // self.block_align


def check_wav(path: Path) -> WavLayout:
    """Raises UndecodableAudio for a missing fmt/data chunk or a data chunk cut short."""
    file_bytes = path.stat().st_size
    with open(path, "rb") as inp:
        head = inp.read(12)
        if len(head) < 12:
            raise UndecodableAudio("the WAV header is cut off")
        fmt, data_offset, declared, ds64_data = _read_chunks(inp, file_bytes, head[:4] != b"RIFF")
    if fmt is None:
        raise UndecodableAudio("the WAV file has no fmt chunk")
    if data_offset is None:
        raise UndecodableAudio("the WAV file has no data chunk")
    format_tag, channels, rate_hz, block_align, bits, subformat_tag = fmt
    if channels == 0 or rate_hz == 0 or block_align == 0:
        raise UndecodableAudio(
            f"the WAV fmt chunk is invalid ({channels} channels, {rate_hz} Hz)")
    available = file_bytes - data_offset
    if ds64_data is not None and declared == 0xFFFFFFFF:
        declared = ds64_data
    if declared in _UNKNOWN_SIZES and ds64_data is None:
        declared = available
    if declared > available:
        bytes_per_s = block_align * rate_hz
        raise UndecodableAudio(
            f"WAV header says {declared / bytes_per_s:.2f} s but the file ends after "
            f"{available / bytes_per_s:.2f} s ({declared - available} bytes missing)")
    if declared < block_align:
        raise EmptyAudio("the WAV data chunk holds no audio frames")
    return WavLayout(format_tag, channels, rate_hz, block_align, bits, data_offset, declared,
                     subformat_tag)


_Fmt = tuple[int, int, int, int, int, int]


def _read_chunks(
    inp: BinaryIO, file_bytes: int, is_rf64: bool
) -> tuple[_Fmt | None, int | None, int, int | None]:
    fmt: _Fmt | None = None
    ds64_data: int | None = None
    for chunk_id, size, pos in walk_chunks(inp, file_bytes, "little"):
        if chunk_id == b"fmt ":
            body = inp.read(min(size, 40))
            if len(body) < 16:
                raise UndecodableAudio("the WAV fmt chunk is cut off")
            tag, channels, rate_hz, _byte_rate, align, bits = struct.unpack("<HHIIHH", body[:16])
            # WAVE_FORMAT_EXTENSIBLE: cbSize, valid bits, channel mask, then the SubFormat
            # GUID, whose first two bytes are the format tag it stands for
            subformat = struct.unpack("<H", body[24:26])[0] if len(body) >= 26 else 0
            fmt = (tag, channels, rate_hz, align, bits, subformat)
        elif chunk_id == b"ds64" and is_rf64:
            body = inp.read(24)
            if len(body) < 24:
                raise UndecodableAudio("the RF64 ds64 chunk is cut off")
            ds64_data = struct.unpack("<QQQ", body)[1]
        elif chunk_id == b"data":
            return fmt, pos + 8, size, ds64_data
    return fmt, None, 0, ds64_data
