"""Encoding served formats, transcoding block by block, and reading long files in blocks."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.support.audio_files import tone, write_kind
from voxbooth.server.media import (
    SERVABLE_FORMATS,
    encode_audio,
    probe,
    read_audio,
    read_audio_blocks,
    served_mime,
    transcode,
)


@pytest.mark.parametrize("fmt", SERVABLE_FORMATS)
def test_encoded_bytes_probe_as_the_format(tmp_path: Path, fmt: str) -> None:
    samples = tone(1.0, 24000, 2)
    data = encode_audio(samples, 24000, fmt)
    path = tmp_path / "out.bin"
    path.write_bytes(data)
    info = probe(path)
    assert info.format == fmt
    assert info.mime == served_mime(fmt)
    assert (info.sample_rate, info.channels) == (24000, 2)
    assert info.duration_s == pytest.approx(1.0, abs=0.06)


def test_wav_defaults_to_pcm16_and_float_on_request() -> None:
    samples = tone(0.1, 8000, 1)
    assert sf.info(io.BytesIO(encode_audio(samples, 8000, "wav"))).subtype == "PCM_16"
    as_float = encode_audio(samples, 8000, "wav", subtype="FLOAT")
    back, _ = sf.read(io.BytesIO(as_float), dtype="float32", always_2d=True)
    np.testing.assert_array_equal(back, samples)


def test_unknown_format_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="format must be one of"):
        encode_audio(tone(0.1, 8000), 8000, "aiff")


def test_mp3_at_a_rate_lame_does_not_take_is_resampled() -> None:
    data = encode_audio(tone(0.5, 96000), 96000, "mp3")
    assert sf.info(io.BytesIO(data)).samplerate == 48000


@pytest.mark.parametrize("source", ["m4a", "flac", "wav_24"])
def test_transcode_to_wav_keeps_the_signal(tmp_path: Path, source: str) -> None:
    src = write_kind(tmp_path, source, duration_s=2.0, rate_hz=16000, channels=2)
    dest = tmp_path / "served.wav"
    transcode(src, dest, "wav")
    original, _ = read_audio(src)
    served, rate_hz = read_audio(dest)
    assert rate_hz == 16000 and served.shape == original.shape
    assert np.max(np.abs(served - np.clip(original, -1, 1))) < 2 / 32768


def test_blocks_cover_the_file_exactly(tmp_path: Path) -> None:
    for kind in ("wav", "m4a"):
        path = write_kind(tmp_path, kind, duration_s=1.3, rate_hz=16000)
        whole, _ = read_audio(path, mono=True)
        blocks = list(read_audio_blocks(path, 4096, mono=True))
        assert all(block.shape == (4096,) for block in blocks[:-1])
        assert 0 < blocks[-1].shape[0] <= 4096
        np.testing.assert_array_equal(np.concatenate(blocks), whole)


def test_read_audio_resamples_to_a_target_rate(tmp_path: Path) -> None:
    path = write_kind(tmp_path, "wav", duration_s=1.0, rate_hz=44100)
    samples, rate_hz = read_audio(path, mono=True, target_rate_hz=16000)
    assert rate_hz == 16000 and samples.shape == (16000,)
    spectrum = np.abs(np.fft.rfft(samples))
    assert np.argmax(spectrum) * 16000 / samples.shape[0] == pytest.approx(440, abs=2)


@pytest.mark.parametrize(("source", "fmt", "subtype"), [
    ("wav_24", "wav", "PCM_24"), ("wav_float", "wav", "FLOAT"), ("wav_24", "flac", "PCM_24"),
    ("wav_float", "flac", "PCM_24"), ("wav_u8", "wav", "PCM_16"), ("m4a", "wav", "PCM_16"),
])
def test_transcode_keeps_high_resolution(tmp_path: Path, source: str, fmt: str,
                                         subtype: str) -> None:
    src = write_kind(tmp_path, source, duration_s=0.2, rate_hz=16000)
    dest = tmp_path / f"served.{fmt}"
    transcode(src, dest, fmt)
    assert sf.info(str(dest)).subtype == subtype
