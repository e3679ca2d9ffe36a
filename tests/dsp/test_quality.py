"""The take check gives the verdict and the reason an artist needs before uploading."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

from voxbooth.audio.files import check_take_file
from voxbooth.dsp.quality import check_take

RATE_HZ = 48000
SERVICE_RANGE_S = (10.0, 600.0)  # what a service says calibrations may last (GET /api/limits)


def _speech(path: Path, seconds: float) -> np.ndarray:
    samples, rate = sf.read(path, dtype="float64")
    speech = resample_poly(samples, RATE_HZ, rate)
    speech = 0.5 * speech / np.abs(speech).max()
    return np.tile(speech, int(np.ceil(seconds / (speech.size / RATE_HZ))))[: int(seconds
                                                                                   * RATE_HZ)]


def _room(seconds: float, level: float = 3e-4) -> np.ndarray:
    return level * np.random.default_rng(1).standard_normal(int(seconds * RATE_HZ))


def test_a_clean_calibration_passes(speech_path: Path) -> None:
    report = check_take(_speech(speech_path, 12.0) + _room(12.0), RATE_HZ, "calibration")
    assert report.verdict == "good", report.reasons
    assert report.snr_db > 30 and report.clipped_samples == 0
    assert abs(report.duration_s - 12.0) < 0.01


def test_too_short_for_a_calibration_says_so(speech_path: Path) -> None:
    report = check_take(_speech(speech_path, 4.0), RATE_HZ, "calibration",
                        duration_range_s=SERVICE_RANGE_S)
    assert report.verdict == "bad"
    assert any("too short" in reason and "10 s" in reason for reason in report.reasons)
    assert check_take(_speech(speech_path, 4.0), RATE_HZ, "original").verdict != "bad"
    # another service's range is the one obeyed: dsp keeps no copy of it
    assert check_take(_speech(speech_path, 4.0), RATE_HZ, "calibration",
                      duration_range_s=(3.0, 60.0)).verdict != "bad"


def test_clipping_noise_dc_and_silence_are_named(speech_path: Path) -> None:
    speech = _speech(speech_path, 12.0)
    clipped = check_take(np.clip(4 * speech, -1, 1), RATE_HZ, "voice_sample")
    assert clipped.verdict == "bad" and "clipped samples" in clipped.summary

    noisy = check_take(speech + _room(12.0, 0.05), RATE_HZ)
    assert noisy.verdict == "bad" and "too noisy" in noisy.summary

    offset = check_take(speech + 0.05 + _room(12.0), RATE_HZ)
    assert "DC offset" in offset.summary

    padded = np.concatenate([_room(4.0), speech, _room(3.0)])
    report = check_take(padded, RATE_HZ)
    assert report.verdict == "warning"
    assert abs(report.leading_silence_s - 4.0) < 0.6 and abs(report.trailing_silence_s - 3.0) < 0.6
    assert "silence at the start" in report.summary and "silence at the end" in report.summary

    silent = check_take(_room(12.0), RATE_HZ, "calibration")
    assert silent.verdict == "bad" and "silent" in silent.summary


def test_a_file_over_the_upload_limit_is_refused(speech_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "take.wav"
    sf.write(path, _speech(speech_path, 12.0), RATE_HZ, subtype="FLOAT")
    assert check_take_file(path, "voice_sample").verdict == "good"
    limit = 50 * 2**20  # the service's, given by the caller (dsp knows no service)
    report = check_take(_speech(speech_path, 12.0), RATE_HZ, file_size_bytes=60 * 2**20,
                        max_upload_bytes=limit)
    assert report.verdict == "bad" and "50 MB" in report.summary
    assert check_take(_speech(speech_path, 12.0), RATE_HZ, file_size_bytes=60 * 2**20,
                      max_upload_bytes=80 * 2**20).verdict == "good"
