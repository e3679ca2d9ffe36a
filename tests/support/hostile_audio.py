"""A hostile-input corpus of audio files, made by the tests (issue 11).

Crafted WAV headers (channel counts, absurd rates, bit depths, format tags, huge size claims,
RF64 variants, NaN/inf/huge floats), scipy's odd test WAVs, cut and bit-flipped files of every
upload format (real speech among them), and FLAC decompression bombs written frame by frame
(a libFLAC encoder would take half a minute to make 590 s of 8-channel 192 kHz silence).
"""

from __future__ import annotations

import random
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy

from tests.support.audio_files import tone, write_kind, write_pyav, write_soundfile


@dataclass(frozen=True)
class Hostile:
    name: str
    data: bytes
    # what the upload must answer when the test knows it (None: any status below 500), and
    # words its detail must contain
    status: int | None = None
    words: str = ""
    as_take: bool = True  # False: only sent as a calibration (decoding it as a take is slow)


# -- WAV ---------------------------------------------------------------------------------------

def wav_bytes(*, channels: int = 1, rate_hz: int = 16000, bits: int = 16, tag: int = 1,
              data: bytes | None = None, frames: int = 1600, declared_data: int | None = None,
              riff: bytes = b"RIFF", ds64_data: int | None = None, subformat: int | None = None,
              block_align: int | None = None) -> bytes:
    """A WAV (or RF64) file whose header says exactly what it is told to, true or not."""
    align = block_align if block_align is not None else max(channels * ((bits + 7) // 8), 0)
    if data is None:
        data = bytes(min(frames * max(align, 1), 4_000_000))
    fmt_tag = 0xFFFE if subformat is not None else tag
    fmt = struct.pack("<HHIIHH", fmt_tag, channels & 0xFFFF, rate_hz & 0xFFFFFFFF,
                      (rate_hz * align) & 0xFFFFFFFF, align & 0xFFFF, bits & 0xFFFF)
    if subformat is not None:
        guid_tail = b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        fmt += struct.pack("<HHI", 22, bits & 0xFFFF, 0) + struct.pack("<H", subformat) + guid_tail
    size = len(data) if declared_data is None else declared_data
    chunks = b""
    if riff != b"RIFF":
        ds64 = struct.pack("<QQQI", 0, len(data) if ds64_data is None else ds64_data, 0, 0)
        chunks += b"ds64" + struct.pack("<I", len(ds64)) + ds64
        size = 0xFFFFFFFF if declared_data is None else declared_data
    chunks += b"fmt " + struct.pack("<I", len(fmt)) + fmt
    chunks += b"data" + struct.pack("<I", size & 0xFFFFFFFF) + data
    riff_size = 0xFFFFFFFF if riff != b"RIFF" else (4 + len(chunks)) & 0xFFFFFFFF
    return riff + struct.pack("<I", riff_size) + b"WAVE" + chunks


def float_wav(samples: np.ndarray, rate_hz: int = 16000, bits: int = 32) -> bytes:
    dtype = np.float32 if bits == 32 else np.float64
    data = np.ascontiguousarray(samples, dtype=dtype)
    channels = 1 if data.ndim == 1 else data.shape[1]
    return wav_bytes(channels=channels, rate_hz=rate_hz, bits=bits, tag=3, data=data.tobytes())


def _speechlike(frames: int) -> np.ndarray:
    return tone(frames / 16000, 16000)[:, 0] * 0.5


def crafted_wavs() -> list[Hostile]:
    good = _speechlike(16000)
    nan_start, inf_late, huge = good.copy(), good.copy(), good.copy()
    nan_start[0] = np.nan
    inf_late[5000] = np.inf  # after the first 4,096 samples a quick probe would read
    huge[8000:8100] = 3e38  # aborts LAME in calc_energy when served as MP3
    negative_huge = good.copy()
    negative_huge[-1] = -3e38
    subnormal = np.full(16000, 1e-40, dtype=np.float32)
    return [
        Hostile("wav 0 channels", wav_bytes(channels=0), 422),
        Hostile("wav 33 channels", wav_bytes(channels=33, frames=100), 422, "33 channels"),
        Hostile("wav 1024 channels", wav_bytes(channels=1024, frames=50), 422,
                "1024 channels"),
        Hostile("wav 65535 channels", wav_bytes(channels=65535, frames=2), 422),
        Hostile("wav 0 Hz", wav_bytes(rate_hz=0), 422),
        Hostile("wav 1 Hz", wav_bytes(rate_hz=1, frames=3000), 422, "1 Hz"),
        Hostile("wav 7999 Hz", wav_bytes(rate_hz=7999), 422, "7999 Hz"),
        Hostile("wav 384001 Hz", wav_bytes(rate_hz=384_001), 422),
        Hostile("wav 2e9 Hz", wav_bytes(rate_hz=2_000_000_000, frames=20000), 422,
                "2000000000 Hz"),
        Hostile("wav 4294967295 Hz", wav_bytes(rate_hz=0xFFFFFFFF), 422),
        Hostile("wav 0 bits", wav_bytes(bits=0, block_align=2), 422),
        Hostile("wav 12-bit pcm", wav_bytes(bits=12), 422, "12-bit PCM"),
        Hostile("wav 36-bit pcm", wav_bytes(bits=36, channels=3), 422, "36-bit"),
        Hostile("wav 65535 bits", wav_bytes(bits=65535, block_align=4), 422, "65535-bit"),
        Hostile("wav 16-bit float", wav_bytes(tag=3, bits=16), 422, "16-bit float"),
        Hostile("wav tag 0xFFFF", wav_bytes(tag=0xFFFF), 422, "0xFFFF"),
        Hostile("wav tag 0x0000", wav_bytes(tag=0), 422, "0x0000"),
        Hostile("wavex unknown subformat", wav_bytes(subformat=0x1234), 422, "0x1234"),
        Hostile("wavex float 16-bit", wav_bytes(subformat=3, bits=16), 422),
        Hostile("wav block align lies", wav_bytes(block_align=7), 422, "inconsistent"),
        Hostile("wav data claims 4 GB", wav_bytes(declared_data=0xFFFFFFF0), 422,
                "bytes missing"),
        Hostile("wav data claims 1 byte", wav_bytes(declared_data=1), 422),
        Hostile("rf64 ds64 claims 2^62", wav_bytes(riff=b"RF64", ds64_data=2**62), 422,
                "bytes missing"),
        Hostile("rf64 without ds64 size", wav_bytes(riff=b"RF64", ds64_data=0,
                                                    declared_data=0)),
        Hostile("bw64 1024 channels", wav_bytes(riff=b"BW64", channels=1024, frames=20), 422,
                "1024 channels"),
        Hostile("rf64 2e9 Hz", wav_bytes(riff=b"RF64", rate_hz=2_000_000_000, frames=1000),
                422),
        Hostile("float wav NaN first", float_wav(nan_start), 422, "invalid sample (nan)"),
        Hostile("float wav inf at 5000", float_wav(inf_late), 422, "invalid sample (inf)"),
        Hostile("float wav 3e38", float_wav(huge), 422, "3e+38"),
        Hostile("float wav -3e38 last", float_wav(negative_huge), 422, "-3e+38"),
        Hostile("double wav 1e300", float_wav(np.full(1000, 1e300), bits=64), 422),
        Hostile("float wav subnormals", float_wav(subnormal), 201),
        Hostile("float wav overs within 60 dB", float_wav(good * 8.0), 201),
        # valid, but more than some served formats hold
        Hostile("wav 12 channels", wav_bytes(channels=12, frames=8000), 201),
        Hostile("wav 384 kHz", float_wav(tone(0.5, 384_000)[:, 0], rate_hz=384_000), 201),
    ]


def scipy_wavs() -> list[Hostile]:
    """scipy's odd but mostly valid WAVs (36/45/53-bit, RF64, 3-5 channels, 1234 Hz...)."""
    folder = Path(scipy.__file__).parent / "io" / "tests" / "data"
    return [Hostile(f"scipy {path.name}", path.read_bytes())
            for path in sorted(folder.glob("*.wav"))]


# -- FLAC bombs, written frame by frame --------------------------------------------------------

def _crc8(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


_CRC16_TABLE: list[int] = []
for _i in range(256):
    _c = _i << 8
    for _ in range(8):
        _c = ((_c << 1) ^ 0x8005) & 0xFFFF if _c & 0x8000 else (_c << 1) & 0xFFFF
    _CRC16_TABLE.append(_c)


def _crc16(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _CRC16_TABLE[(crc >> 8) ^ byte]
    return crc


def _utf8_number(value: int) -> bytes:
    # FLAC codes frame numbers with UTF-8's bit layout (surrogates included)
    return chr(value).encode("utf-8", "surrogatepass")


def flac_silence(seconds: float, rate_hz: int, channels: int, *, declare_total: bool = True,
                 block: int = 16384) -> bytes:
    """A FLAC of digital silence: every frame one CONSTANT subframe per channel (a few bytes
    per 16384 samples), so 590 s of 8-channel 192 kHz audio fits in about 240 KB."""
    total = int(seconds * rate_hz)
    streaminfo = struct.pack(">HH", block, block) + bytes(6)
    packed = (rate_hz << 44) | ((channels - 1) << 41) | (15 << 36) | \
        (total if declare_total else 0)
    streaminfo += packed.to_bytes(8, "big") + bytes(16)
    out = bytearray(b"fLaC" + bytes([0x80]) + len(streaminfo).to_bytes(3, "big") + streaminfo)
    # block size code 0111: 16-bit (size - 1) after the frame number; rate code 0000 for
    # "from STREAMINFO" is not allowed in frames of a streamable file, but libFLAC reads it
    rate_code = {8000: 4, 16000: 5, 22050: 6, 24000: 7, 32000: 8, 44100: 9, 48000: 10,
                 96000: 11, 192000: 3}.get(rate_hz, 0)
    frames = -(-total // block)
    for number in range(frames):
        size = min(block, total - number * block)
        header = bytes([0xFF, 0xF8, (0x7 << 4) | rate_code, ((channels - 1) << 4) | (4 << 1)])
        header += _utf8_number(number) + (size - 1).to_bytes(2, "big")
        header += bytes([_crc8(header)])
        frame = header + b"\x00\x00\x00" * channels
        out += frame + _crc16(frame).to_bytes(2, "big")
    return bytes(out)


def bombs() -> list[Hostile]:
    return [
        # the file: honest STREAMINFO, refused from the header as a calibration
        Hostile("flac bomb 590 s 8 ch 192 kHz", flac_silence(590, 192000, 8)),
        # the same, but STREAMINFO says "length unknown": refused while decoding (as a take
        # that takes 10 s of a worker's time: tests/bench/test_audio_bombs.py measures it)
        Hostile("flac bomb, length unknown", flac_silence(590, 192000, 8, declare_total=False),
                as_take=False),
    ]


# -- cut and bit-flipped files of every format -------------------------------------------------

def _flipped(data: bytes, seed: int, flips: int = 24) -> bytes:
    rng = random.Random(seed)
    out = bytearray(data)
    for _ in range(flips):
        at = rng.randrange(min(64, len(out) - 1), len(out))  # past the magic, so it is sniffed
        out[at] ^= 1 << rng.randrange(8)
    return bytes(out)


def damaged(folder: Path, speech: np.ndarray, speech_rate_hz: int) -> list[Hostile]:
    """Each upload format cut in half and bit-flipped (twice), made with soundfile and PyAV."""
    folder.mkdir(parents=True, exist_ok=True)
    clip = speech[: speech_rate_hz * 3].reshape(-1, 1).astype(np.float32)
    sources = {
        "wav": write_soundfile(folder / "s.wav", "wav", clip, speech_rate_hz),
        "flac": write_soundfile(folder / "s.flac", "flac", clip, speech_rate_hz),
        "ogg": write_soundfile(folder / "s.ogg", "ogg", clip, speech_rate_hz),
        "opus": write_kind(folder, "opus", duration_s=3.0, rate_hz=48000),
        "mp3": write_soundfile(folder / "s.mp3", "mp3", clip, speech_rate_hz),
        "m4a": write_pyav(folder / "s.m4a", clip, speech_rate_hz, "ipod"),
    }
    out: list[Hostile] = []
    for kind, path in sources.items():
        data = path.read_bytes()
        out.append(Hostile(f"{kind} cut in half", data[: len(data) // 2],
                           None if kind in ("ogg", "opus") else 422))
        out.append(Hostile(f"{kind} bit-flipped a", _flipped(data, 1)))
        out.append(Hostile(f"{kind} bit-flipped b", _flipped(data, 2, flips=200)))
        if kind in ("flac", "m4a", "mp3"):
            # its first packets decode: only decoding all of it finds the damage
            at = len(data) // 2
            garbage = random.Random(3).randbytes(2000)
            out.append(Hostile(f"{kind} damaged after its first packets",
                               data[:at] + garbage + data[at + 2000:], 422, "ends after"))
    return out


def corpus(folder: Path, speech: np.ndarray, speech_rate_hz: int) -> list[Hostile]:
    return [*crafted_wavs(), *scipy_wavs(), *bombs(), *damaged(folder, speech, speech_rate_hz)]
