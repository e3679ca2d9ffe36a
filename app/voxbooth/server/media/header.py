"""Limits read from a file's own header, in plain Python, before any codec sees the bytes.

WAV/RF64 (fmt, ds64 and data chunks), AIFF/AIFF-C (COMM and SSND) and FLAC (STREAMINFO) say
their channels, rate, sample coding and length up front, so a 1024-channel WAV, a 2 GHz one or a
FLAC that decodes to gigabytes is refused here, in the service's own process, without decoding
anything. Other formats (Ogg, MP3, M4A) are checked by the worker's probe from what the codec
reports.
"""

from __future__ import annotations

import struct
from pathlib import Path

from voxbooth.server.media.aiffcheck import check_complete, read_aiff
from voxbooth.server.media.errors import UndecodableAudio, UnsupportedAudio
from voxbooth.server.media.limits import AudioLimits, check_frames, check_shape
from voxbooth.server.media.sniff import SNIFF_BYTES, Sniffed, sniff_file
from voxbooth.server.media.wavcheck import WavLayout, check_wav

# WAV format tag -> (name, bit depths libsndfile decodes; empty: any, the codec decides)
_WAV_CODINGS: dict[int, tuple[str, frozenset[int]]] = {
    0x0001: ("PCM", frozenset({8, 16, 24, 32})),
    0x0003: ("float", frozenset({32, 64})),
    0x0006: ("A-law", frozenset({8})),
    0x0007: ("mu-law", frozenset({8})),
    0x0002: ("MS ADPCM", frozenset()),
    0x0011: ("IMA ADPCM", frozenset()),
    0x0031: ("GSM 6.10", frozenset()),
    0x0055: ("MPEG layer 3", frozenset()),
}
_FRAMES_KNOWN = (0x0001, 0x0003, 0x0006, 0x0007)  # frames = data bytes / block align


def check_header(path: Path, limits: AudioLimits, sniffed: Sniffed | None = None) -> None:
    """Raises an AudioRejected naming what the header says is out of bounds; passes silently
    for formats whose header this module does not read."""
    sniffed = sniffed or sniff_file(path)
    if sniffed.format == "wav":
        _check_wav(check_wav(path), limits)
    elif sniffed.format == "aiff":
        _check_aiff(path, limits)
    elif sniffed.format == "flac":
        _check_flac(path, limits)
    elif sniffed.format in ("ogg", "opus"):
        _check_ogg(path, limits, sniffed.format)


def _check_wav(layout: WavLayout, limits: AudioLimits) -> None:
    check_shape(layout.channels, layout.sample_rate_hz)
    tag = layout.encoding_tag
    coding = _WAV_CODINGS.get(tag)
    if coding is None:
        raise UnsupportedAudio(f"WAV with format tag 0x{tag:04X} (not a sample coding the "
                               "service decodes)")
    name, depths = coding
    if depths and layout.bits_per_sample not in depths:
        allowed = ", ".join(str(d) for d in sorted(depths))
        raise UnsupportedAudio(
            f"{layout.bits_per_sample}-bit {name} WAV ({name} WAV must be {allowed}-bit)")
    if tag in _FRAMES_KNOWN:
        expected_align = layout.channels * (layout.bits_per_sample // 8)
        if layout.block_align != expected_align:
            raise UndecodableAudio(
                f"the WAV fmt chunk is inconsistent (block align {layout.block_align} for "
                f"{layout.channels} channels of {layout.bits_per_sample} bits)")
        check_frames(limits, layout.frames, layout.sample_rate_hz, layout.channels)


def _check_aiff(path: Path, limits: AudioLimits) -> None:
    layout = read_aiff(path)
    rate_hz = round(layout.sample_rate_hz)
    check_shape(layout.channels, rate_hz)
    check_frames(limits, layout.frames, rate_hz, layout.channels)
    check_complete(layout)


def _flac_streaminfo(head: bytes) -> bytes | None:
    start = 0
    if head[:3] == b"ID3" and len(head) >= 10:
        size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
        start = 10 + size + (10 if head[5] & 0x10 else 0)
        if start + 42 > len(head):
            return None  # a tag longer than the sniffed head: the worker's probe checks it
    if head[start: start + 4] != b"fLaC":
        raise UndecodableAudio("the FLAC signature is not where the tag says")
    block = head[start + 4: start + 8 + 34]
    if len(block) < 38 or block[0] & 0x7F != 0:
        raise UndecodableAudio("the FLAC file does not start with its STREAMINFO block")
    return block[4:]


def _check_flac(path: Path, limits: AudioLimits) -> None:
    with open(path, "rb") as inp:
        head = inp.read(SNIFF_BYTES)
    info = _flac_streaminfo(head)
    if info is None:
        return
    # 16+16 bits block sizes, 24+24 bits frame sizes, then 20 bits rate, 3 bits channels-1,
    # 5 bits bits-per-sample-1, 36 bits total samples (0: unknown)
    packed = int.from_bytes(info[10:18], "big")
    rate_hz = packed >> 44
    channels = ((packed >> 41) & 0x7) + 1
    bits = ((packed >> 36) & 0x1F) + 1
    frames = packed & 0xFFFFFFFFF
    if rate_hz == 0:
        raise UndecodableAudio("the FLAC STREAMINFO gives no sample rate")
    check_shape(channels, rate_hz)
    if bits < 4:
        raise UndecodableAudio(f"the FLAC STREAMINFO says {bits} bits per sample")
    if frames:
        check_frames(limits, frames, rate_hz, channels)


_OGG_TAIL_BYTES = 65536 + 282  # the last page is at most 65307 bytes long
_OPUS_RATE_HZ = 48000  # Opus always decodes at 48 kHz; granule positions count at it


def _check_ogg(path: Path, limits: AudioLimits, fmt: str) -> None:
    """Channels and rate from the identification header; length from the last page's granule
    position. A stream without its end-of-stream page was cut off: libsndfile would quietly
    decode what is there (or nothing) and call it the whole take."""
    with open(path, "rb") as inp:
        head = inp.read(SNIFF_BYTES)
        size = inp.seek(0, 2)
        inp.seek(max(0, size - _OGG_TAIL_BYTES))
        tail = inp.read()
    segments = head[26] if len(head) > 26 else 0
    packet = head[27 + segments: 27 + segments + 19]
    if fmt == "ogg" and len(packet) >= 16:
        channels, rate_hz = packet[11], struct.unpack("<I", packet[12:16])[0]
    elif fmt == "opus" and len(packet) >= 16:
        channels, rate_hz = packet[9], _OPUS_RATE_HZ
    else:
        raise UndecodableAudio("the Ogg identification header is cut off")
    check_shape(channels, rate_hz)
    last = _last_page(tail)
    if last is None or not tail[last + 5] & 0x04:
        raise UndecodableAudio(
            "the Ogg stream ends without its last page (the file is cut off)")
    granule = struct.unpack("<q", tail[last + 6: last + 14])[0]
    if granule > 0:
        check_frames(limits, granule, rate_hz, channels)


def _last_page(tail: bytes) -> int | None:
    """Where the page that ends exactly at the end of the file starts (None: no such page)."""
    at = len(tail)
    while (at := tail.rfind(b"OggS", 0, at)) >= 0:
        if len(tail) >= at + 27 and tail[at + 4] == 0:
            count = tail[at + 26]
            body = sum(tail[at + 27: at + 27 + count])
            if at + 27 + count + body == len(tail):
                return at
    return None
