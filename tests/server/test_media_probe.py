"""Sniffing and probing real files of every upload format, and the bad-input matrix of issue 2."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.support.audio_files import tone, write_kind, write_soundfile
from voxbooth.server.media import (
    AudioRejected,
    EmptyAudio,
    UndecodableAudio,
    UnsupportedAudio,
    check_duration,
    probe,
    read_audio,
)

# kind -> (format, subtype) the probe must report
GOOD = {
    "wav": ("wav", "PCM_16"),
    "wav_u8": ("wav", "PCM_U8"),
    "wav_24": ("wav", "PCM_24"),
    "wav_float": ("wav", "FLOAT"),
    "wavex": ("wav", "PCM_16"),
    "rf64": ("wav", "PCM_16"),
    "flac": ("flac", "PCM_16"),
    "ogg": ("ogg", "VORBIS"),
    "opus": ("opus", "OPUS"),
    "mp3": ("mp3", "MPEG_LAYER_III"),
    "mp3_id3": ("mp3", "MPEG_LAYER_III"),
    "m4a": ("m4a", "AAC"),
    "aac": ("aac", "AAC"),
    "aiff": ("aiff", "PCM_16"),
    "aifc_float": ("aiff", "FLOAT"),
}


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_each_format_is_sniffed_probed_and_read(tmp_path: Path, kind: str) -> None:
    rate_hz = 48000 if kind == "opus" else 22050
    path = write_kind(tmp_path, kind, duration_s=1.5, rate_hz=rate_hz, channels=2)
    # the name must not matter: every file is renamed to something misleading
    misleading = path.rename(tmp_path / "upload.txt")
    info = probe(misleading)
    assert (info.format, info.subtype) == GOOD[kind]
    assert info.sample_rate == rate_hz
    assert info.channels == 2
    assert info.size_bytes == misleading.stat().st_size
    # lossy codecs add encoder delay and padding; ADTS length is counted by decoding
    assert info.duration_s == pytest.approx(1.5, abs=0.1)
    samples, read_rate_hz = read_audio(misleading)
    assert read_rate_hz == rate_hz
    assert samples.dtype == np.float32 and samples.shape[1] == 2
    assert abs(samples.shape[0] - info.frames) <= 0.1 * rate_hz
    # the tone survives: channel 2 has twice the frequency of channel 1
    window = samples[: rate_hz, :]
    spectrum = np.abs(np.fft.rfft(window, axis=0))
    peak_hz = np.argmax(spectrum, axis=0) * rate_hz / window.shape[0]
    assert peak_hz[0] == pytest.approx(440, abs=3)
    assert peak_hz[1] == pytest.approx(880, abs=3)


@pytest.mark.parametrize("channels", [1, 8])
def test_many_channel_wav(tmp_path: Path, channels: int) -> None:
    path = write_soundfile(tmp_path / "multi.wav", "wavex", tone(0.5, 16000, channels), 16000)
    info = probe(path)
    assert info.channels == channels
    assert info.frames == 8000
    samples, _ = read_audio(path, mono=True)
    assert samples.ndim == 1 and samples.shape[0] == 8000


def test_exact_frames_and_samples_of_24_bit(tmp_path: Path) -> None:
    original = tone(0.25, 44100, 1)
    path = write_soundfile(tmp_path / "t.wav", "wav_24", original, 44100)
    info = probe(path)
    assert info.frames == original.shape[0]
    samples, _ = read_audio(path)
    assert np.max(np.abs(samples - original)) < 1e-6


def _truncate(path: Path, keep_bytes: int) -> Path:
    with open(path, "r+b") as f:
        f.truncate(keep_bytes)
    return path


def test_truncated_wav_is_rejected_with_the_missing_length(tmp_path: Path) -> None:
    path = write_kind(tmp_path, "wav", duration_s=10.0, rate_hz=16000)
    _truncate(path, 44 + 2 * 3200)  # 0.2 s of the 10 s the header announces
    with pytest.raises(UndecodableAudio) as caught:
        probe(path)
    assert caught.value.status == 422
    assert caught.value.detail.startswith("Audio could not be decoded: WAV header says 10.00 s")
    assert "ends after 0.20 s" in caught.value.detail


def test_truncated_rf64_is_rejected(tmp_path: Path) -> None:
    path = write_kind(tmp_path, "rf64", duration_s=2.0, rate_hz=16000)
    _truncate(path, path.stat().st_size // 2)
    with pytest.raises(UndecodableAudio, match=r"WAV header says 2\.00 s"):
        probe(path)


def test_wav_header_only(tmp_path: Path) -> None:
    path = write_kind(tmp_path, "wav", duration_s=1.0)
    _truncate(path, 20)
    with pytest.raises(UndecodableAudio, match="fmt chunk is cut off"):
        probe(path)


def test_wav_with_zero_frames_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    sf.write(str(path), np.zeros((0, 1), np.float32), 16000, subtype="PCM_16")
    with pytest.raises(EmptyAudio):
        probe(path)


def test_streaming_wav_with_unknown_data_size_is_read_to_the_end(tmp_path: Path) -> None:
    # Recorders that never seek back leave 0xFFFFFFFF as the data size; the file is still good.
    path = write_kind(tmp_path, "wav", duration_s=1.0, rate_hz=16000)
    raw = bytearray(path.read_bytes())
    raw[40:44] = struct.pack("<I", 0xFFFFFFFF)
    path.write_bytes(bytes(raw))
    assert probe(path).duration_s == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize(("content", "found"), [
    (os.urandom(4096), "application/octet-stream (no known audio signature)"),
    (b"This is not audio, just a note.\n" * 20, "text/plain"),
    (b'{"file": "nope"}', "application/json"),
    (b"%PDF-1.4\n" + os.urandom(100), "application/pdf"),
    (b"\x89PNG\r\n\x1a\n" + os.urandom(100), "image/png"),
    (b"\x1aE\xdf\xa3" + os.urandom(100), "audio/webm (Matroska/WebM container)"),
    (b"RIFF\x00\x10\x00\x00AVI " + os.urandom(100), "a RIFF container of type 'AVI', not WAVE"),
])
def test_non_audio_named_as_audio(tmp_path: Path, content: bytes, found: str) -> None:
    path = tmp_path / "take.wav"
    path.write_bytes(content)
    with pytest.raises(UnsupportedAudio) as caught:
        probe(path)
    assert caught.value.detail == f"Unsupported audio format: {found}"
    assert caught.value.status == 422


def test_text_named_mp3(tmp_path: Path) -> None:
    path = tmp_path / "song.mp3"
    path.write_text("ID4 not a tag, only words\n")
    with pytest.raises(UnsupportedAudio, match="text/plain"):
        probe(path)


def test_zero_bytes(tmp_path: Path) -> None:
    path = tmp_path / "nothing.wav"
    path.write_bytes(b"")
    with pytest.raises(EmptyAudio) as caught:
        probe(path)
    assert caught.value.detail == "Audio is empty: the file is 0 bytes long"


def test_riff_header_over_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "take.wav"
    path.write_bytes(b"RIFF\x00\x10\x00\x00WAVE" + os.urandom(4000))
    with pytest.raises(UndecodableAudio):
        probe(path)


def _aiff_comm(channels: int, frames: int, bits: int, rate_hz: float) -> bytes:
    """An AIFF COMM chunk; the rate as an 80-bit extended float (exponent, 64-bit mantissa)."""
    exponent = int(rate_hz).bit_length() - 1
    mantissa = int(rate_hz) << (63 - exponent)
    body = struct.pack(">hIh", channels, frames, bits) + struct.pack(">HQ", 16383 + exponent,
                                                                     mantissa)
    return b"COMM" + struct.pack(">I", len(body)) + body


def _aiff(comm: bytes, sound: bytes) -> bytes:
    ssnd = b"SSND" + struct.pack(">III", len(sound) + 8, 0, 0) + sound
    return b"FORM" + struct.pack(">I", 4 + len(comm) + len(ssnd)) + b"AIFF" + comm + ssnd


@pytest.mark.parametrize(("comm", "sound", "status", "words"), [
    # the header's claims are refused before libsndfile sees the bytes
    (_aiff_comm(1000, 100, 16, 16000), b"\0" * 400, 422, "1000 channels"),
    (_aiff_comm(1, 100, 16, 2_000_000), b"\0" * 200, 422, "2000000 Hz"),
    (_aiff_comm(8, 2**32 - 1, 16, 192000), b"\0" * 400, 422, "long"),
    (_aiff_comm(1, 16000, 16, 16000), b"\0" * 3000, 422, "header says 1.00 s"),
    (_aiff_comm(1, 0, 16, 16000), b"", 422, "empty"),
    (b"", os.urandom(4000), 422, "no COMM chunk"),
])
def test_aiff_header_claims_are_checked_before_decoding(
        tmp_path: Path, comm: bytes, sound: bytes, status: int, words: str) -> None:
    path = tmp_path / "take.wav"
    path.write_bytes(_aiff(comm, sound))
    with pytest.raises(AudioRejected) as caught:
        probe(path)
    assert caught.value.status == status and words in caught.value.detail, caught.value.detail


def test_ogg_with_unknown_codec(tmp_path: Path) -> None:
    ogg = tmp_path / "take.ogg"
    write_kind(tmp_path, "ogg").rename(ogg)
    raw = bytearray(ogg.read_bytes())
    start = 27 + raw[26]
    raw[start: start + 7] = b"\x01notvrb"
    ogg.write_bytes(bytes(raw))
    with pytest.raises(UnsupportedAudio, match="audio/ogg with an unknown codec"):
        probe(ogg)


@pytest.mark.parametrize("kind", ["flac", "mp3"])
def test_cut_file_whose_header_keeps_the_full_length(tmp_path: Path, kind: str) -> None:
    # FLAC's STREAMINFO and MP3's Xing frame still announce 2 s after the file is cut.
    path = write_kind(tmp_path, kind, duration_s=2.0)
    _truncate(path, path.stat().st_size // 2)
    with pytest.raises(UndecodableAudio) as caught:
        probe(path)
    assert "header says 2.00 s but the audio ends after" in caught.value.detail


def test_cut_ogg_vorbis_is_rejected(tmp_path: Path) -> None:
    path = write_kind(tmp_path, "ogg", duration_s=2.0)
    _truncate(path, path.stat().st_size * 97 // 100)
    with pytest.raises(UndecodableAudio):
        probe(path)


def test_check_duration_names_the_length_and_the_range(tmp_path: Path) -> None:
    info = probe(write_kind(tmp_path, "wav", duration_s=4.2, rate_hz=8000))
    with pytest.raises(AudioRejected) as caught:
        check_duration(info, 10.0, 600.0)
    assert caught.value.status == 422
    assert caught.value.detail == "Audio is 4.2 s long; calibrations need 10 s to 10 min"
    check_duration(info, 1.0, 5.0)


def _without_length(flac: bytes) -> bytes:
    """The same FLAC with STREAMINFO's total-samples field 0 ("unknown"), as a streaming
    encoder leaves it: the 36 low bits of the 8 bytes after the block and frame sizes."""
    at = 4 + 4 + 10
    packed = int.from_bytes(flac[at:at + 8], "big") & ~((1 << 36) - 1)
    return flac[:at] + packed.to_bytes(8, "big") + flac[at + 8:]


def test_flac_that_hides_its_length_is_read_whole_when_it_is_speech(
        tmp_path: Path, speech_path: Path) -> None:
    speech, rate_hz = sf.read(speech_path, dtype="float32")
    path = tmp_path / "speech.flac"
    sf.write(path, speech, rate_hz, format="FLAC", subtype="PCM_16")
    path.write_bytes(_without_length(path.read_bytes()))
    info = probe(path)
    assert (info.format, info.frames, info.sample_rate) == ("flac", len(speech), rate_hz)


def test_flac_bomb_that_hides_its_length_is_refused_by_its_size(tmp_path: Path) -> None:
    from tests.support.hostile_audio import flac_silence
    from voxbooth.server.media.limits import TAKES

    honest = tmp_path / "honest.flac"
    honest.write_bytes(flac_silence(60, 48000, 8))  # says its length, within a take's limits
    assert probe(honest).frames == 60 * 48000
    hidden = tmp_path / "hidden.flac"
    hidden.write_bytes(flac_silence(60, 48000, 8, declare_total=False))
    with pytest.raises(AudioRejected) as refused:
        probe(hidden)
    assert refused.value.status == 413
    detail = refused.value.detail
    assert "does not say its length" in detail and "takes may hold" in detail
    # refused once past what its size allows, long before the take's own limit
    allowed = TAKES.max_hidden_length_samples(hidden.stat().st_size)
    assert allowed < TAKES.max_decoded_samples // 100
    assert f"{allowed / 1e6:,.0f} million for this one" in detail
