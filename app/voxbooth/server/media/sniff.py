"""Which audio format a file holds, told from its first bytes and never from its name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from voxbooth.server.media.errors import EmptyAudio, UnsupportedAudio

SNIFF_BYTES = 64 * 1024

# format -> MIME type the service reports and serves the original with
MIME_BY_FORMAT = {
    "wav": "audio/wav",
    "aiff": "audio/aiff",
    "flac": "audio/flac",
    "ogg": "audio/ogg",
    "opus": "audio/ogg; codecs=opus",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "aac": "audio/aac",
}

# ISO BMFF brands of files that are (or may hold) plain audio
_MP4_BRANDS = {
    b"M4A ", b"M4B ", b"M4P ", b"mp41", b"mp42", b"isom", b"iso2", b"iso4", b"iso5",
    b"iso6", b"dash", b"MSNV", b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"f4a ", b"avc1",
}

# Things people upload by mistake, named so the 422 says what was found.
_KNOWN_OTHERS: list[tuple[int, bytes, str]] = [
    (0, b"%PDF", "application/pdf"),
    (0, b"\x89PNG", "image/png"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"GIF8", "image/gif"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"\x1f\x8b", "application/gzip"),
    (0, b"\x1aE\xdf\xa3", "audio/webm (Matroska/WebM container)"),
    (0, b"MThd", "audio/midi"),
    (0, b"caff", "audio/x-caf (Core Audio Format)"),
    (0, b".snd", "audio/basic (Sun AU)"),
    (0, b"wvpk", "audio/x-wavpack"),
    (0, b"MAC ", "audio/x-ape (Monkey's Audio)"),
    (0, b"#!AMR", "audio/amr"),
    (0, b"\x30\x26\xb2\x75", "audio/x-ms-wma (ASF container)"),
    (0, b"\x7fELF", "application/x-executable"),
]


@dataclass(frozen=True)
class Sniffed:
    """What the first bytes say: one of MIME_BY_FORMAT's keys, and the container's own name."""

    format: str
    container: str  # e.g. "RIFF/WAVE", "RF64", "Ogg Opus", "MPEG audio", "ISO BMFF (M4A )"

    @property
    def mime(self) -> str:
        return MIME_BY_FORMAT[self.format]


def sniff_file(path: Path) -> Sniffed:
    with open(path, "rb") as inp:
        head = inp.read(SNIFF_BYTES)
    return sniff_bytes(head)


def sniff_bytes(head: bytes) -> Sniffed:
    """Raises EmptyAudio for no bytes, UnsupportedAudio naming what was found otherwise."""
    if not head:
        raise EmptyAudio("the file is 0 bytes long")
    found = _sniff_audio(head)
    if found is not None:
        return found
    raise UnsupportedAudio(describe_non_audio(head))


def _sniff_audio(head: bytes) -> Sniffed | None:
    riff = head[:4]
    if riff in (b"RIFF", b"RF64", b"BW64") and head[8:12] == b"WAVE":
        return Sniffed("wav", "RF64" if riff != b"RIFF" else "RIFF/WAVE")
    if riff == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return Sniffed("aiff", "AIFF-C" if head[8:12] == b"AIFC" else "AIFF")
    if riff == b"RIFF":  # AVI, WebP, ... : name the RIFF type rather than "unknown bytes"
        kind = head[8:12].decode("latin-1", errors="replace").strip() or "empty"
        raise UnsupportedAudio(f"a RIFF container of type {kind!r}, not WAVE")
    if riff == b"fLaC":
        return Sniffed("flac", "FLAC")
    if riff == b"OggS":
        return _sniff_ogg(head)
    if head[4:8] == b"ftyp":
        return _sniff_mp4(head)
    if head[:3] == b"ID3":
        return _after_id3(head)
    if _is_adts(head, 0):
        return Sniffed("aac", "ADTS AAC")
    if _mpeg_frames_at(head, 0) >= 2:
        return Sniffed("mp3", "MPEG audio")
    return None


def _sniff_ogg(head: bytes) -> Sniffed:
    # The first page carries the codec's identification packet right after the segment table.
    segments = head[26] if len(head) > 26 else 0
    packet = head[27 + segments: 27 + segments + 8]
    if packet.startswith(b"\x01vorbis"):
        return Sniffed("ogg", "Ogg Vorbis")
    if packet.startswith(b"OpusHead"):
        return Sniffed("opus", "Ogg Opus")
    if packet.startswith(b"\x7fFLAC"):
        raise UnsupportedAudio("audio/ogg with FLAC inside (Ogg FLAC)")
    if packet.startswith(b"Speex"):
        raise UnsupportedAudio("audio/ogg with Speex inside")
    if packet.startswith(b"\x80theora"):
        raise UnsupportedAudio("video/ogg (Theora video)")
    raise UnsupportedAudio("audio/ogg with an unknown codec")


def _sniff_mp4(head: bytes) -> Sniffed:
    major = head[8:12]
    box_end = min(len(head), int.from_bytes(head[:4], "big"))
    compatible = {head[i: i + 4] for i in range(16, box_end, 4)}
    if major in _MP4_BRANDS or compatible & _MP4_BRANDS:
        return Sniffed("m4a", f"ISO BMFF ({major.decode('latin-1').strip()})")
    if major == b"qt  ":
        raise UnsupportedAudio("video/quicktime (QuickTime container)")
    brand = major.decode("latin-1", errors="replace").strip()
    raise UnsupportedAudio(f"ISO BMFF container with brand {brand!r}")


def _after_id3(head: bytes) -> Sniffed:
    # ID3v2 size is a 28-bit "syncsafe" integer; an optional footer adds 10 bytes.
    size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9] if len(head) >= 10 else 0
    start = 10 + size + (10 if len(head) > 5 and head[5] & 0x10 else 0)
    rest = head[start:]
    if rest[:4] == b"fLaC":
        return Sniffed("flac", "FLAC with ID3 tag")
    if _is_adts(head, start):
        return Sniffed("aac", "ADTS AAC with ID3 tag")
    # The tag may be longer than the sniffed head; libsndfile finds the first frame itself.
    if start >= len(head) or _mpeg_frames_at(head, _next_sync(head, start)) >= 1:
        return Sniffed("mp3", "MPEG audio with ID3 tag")
    raise UnsupportedAudio("an ID3 tag followed by no MPEG audio frames")


def _next_sync(head: bytes, start: int) -> int:
    # Some encoders pad between the tag and the first frame.
    for i in range(start, min(len(head) - 1, start + 4096)):
        if head[i] == 0xFF and head[i + 1] & 0xE0 == 0xE0:
            return i
    return start


def _is_adts(head: bytes, at: int) -> bool:
    # 12 sync bits, then layer bits 00 (MPEG audio uses 01..11 there).
    return len(head) >= at + 7 and head[at] == 0xFF and head[at + 1] & 0xF6 == 0xF0


_BITRATES_KBPS = {
    (1, 1): [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    (1, 2): [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    (1, 3): [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    (2, 1): [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    (2, 2): [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    (2, 3): [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}
_RATES_HZ = {3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000]}


def _mpeg_frame_length(head: bytes, at: int) -> int:
    """Length of the MPEG audio frame whose header starts at `at`, 0 when it is no header."""
    if len(head) < at + 4 or head[at] != 0xFF or head[at + 1] & 0xE0 != 0xE0:
        return 0
    version_bits = (head[at + 1] >> 3) & 3
    layer = 4 - ((head[at + 1] >> 1) & 3)
    bitrate_index = head[at + 2] >> 4
    rate_index = (head[at + 2] >> 2) & 3
    if version_bits == 1 or layer == 4 or bitrate_index in (0, 15) or rate_index == 3:
        return 0
    version = 1 if version_bits == 3 else 2
    bitrate = _BITRATES_KBPS[(version, layer)][bitrate_index] * 1000
    rate = _RATES_HZ[version_bits][rate_index]
    padding = (head[at + 2] >> 1) & 1
    if layer == 1:
        return (12 * bitrate // rate + padding) * 4
    per_frame = 144 if (layer == 3 and version == 1) or layer == 2 else 72
    return per_frame * bitrate // rate + padding


def _mpeg_frames_at(head: bytes, at: int) -> int:
    """How many consecutive MPEG frame headers chain from `at` (up to 3); one is not proof."""
    count = 0
    while count < 3:
        length = _mpeg_frame_length(head, at)
        if length == 0:
            break
        count += 1
        at += length
        if at + 4 > len(head):
            break
    return count


def describe_non_audio(head: bytes) -> str:
    """A MIME-ish name for bytes that are not audio we take, for the 422 detail."""
    for offset, magic, name in _KNOWN_OTHERS:
        if head[offset: offset + len(magic)] == magic:
            return name
    sample = head[:4096]
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character cut at the end of the sample is still text.
        try:
            text = sample[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return "application/octet-stream (no known audio signature)"
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    if text and printable / len(text) > 0.95:
        stripped = text.lstrip()
        if stripped.startswith(("{", "[")):
            return "application/json"
        if stripped[:15].lower().startswith(("<!doctype html", "<html")):
            return "text/html"
        if stripped.startswith("<?xml"):
            return "application/xml"
        return "text/plain"
    return "application/octet-stream (no known audio signature)"
