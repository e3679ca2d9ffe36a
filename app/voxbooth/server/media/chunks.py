"""The chunks of a RIFF (WAV, RF64) or IFF (AIFF, AIFF-C) file, walked without trusting them.

Both formats are a 12-byte header followed by chunks of a 4-byte id and a 4-byte size (little-
endian in RIFF, big-endian in IFF), each padded to an even length. A crafted file may claim any
sizes and any number of chunks, so the walk stops at the file's end and after `MAX_CHUNKS`.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import BinaryIO, Literal

MAX_CHUNKS = 10_000
_SIZE_FORMATS = {"little": "<I", "big": ">I"}


def walk_chunks(inp: BinaryIO, file_bytes: int,
                byte_order: Literal["little", "big"]) -> Iterator[tuple[bytes, int, int]]:
    """Yields (chunk id, declared size, offset of the chunk's header) after the file header.

    At each yield `inp` stands at the chunk's body, so the caller may read it."""
    size_format = _SIZE_FORMATS[byte_order]
    pos = 12
    for _ in range(MAX_CHUNKS):
        inp.seek(pos)
        header = inp.read(8)
        if len(header) < 8:
            return
        size = struct.unpack(size_format, header[4:])[0]
        yield header[:4], size, pos
        pos += 8 + size + (size & 1)  # an odd size is followed by a pad byte
        if pos >= file_bytes:
            return
