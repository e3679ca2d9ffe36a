"""A/B/X audition: gapless switching at the same position, loudness matching, ABX scoring,
and the checks a dropped file goes through."""

from __future__ import annotations

import random
import wave
from pathlib import Path

import numpy as np
import pytest

from voxbooth.audio.playback import Player, matched_gains
from voxbooth.studio.analysis import analyse_take, min_max_peaks
from voxbooth.studio.audition.abx import AbxSession
from voxbooth.studio.uploadcheck import check_file, expand_dropped


def _render(player: Player, blocks: int, frames: int = 256) -> np.ndarray:
    out = np.zeros((blocks * frames, 1), dtype=np.float32)
    for b in range(blocks):
        player._callback(out[b * frames:(b + 1) * frames], frames, None, None)
    return out[:, 0]


def test_switching_track_continues_at_the_same_position() -> None:
    a = np.linspace(0.0, 1.0, 4800, dtype=np.float32)  # a ramp: position is readable
    b = -a
    # no device needed to render blocks; a hard switch so the first new sample is readable
    player = Player(rate_hz=4800, defer_device=True, crossfade=False)
    player.load([a, b])
    first = _render(player, 2)
    player.select(1)
    second = _render(player, 2)
    assert first[-1] == pytest.approx(a[511])
    assert second[0] == pytest.approx(b[512])  # no gap, no restart, no skipped sample


def test_loop_region_wraps_back_to_its_start() -> None:
    samples = np.arange(4800, dtype=np.float32) / 4800
    player = Player(rate_hz=4800, defer_device=True)
    player.load([samples])
    player.seek(0.5)
    player.set_loop(0.5, 0.6)  # 480 frames
    out = _render(player, 4, frames=256)
    assert out[0] == pytest.approx(samples[2400])
    assert out[480] == pytest.approx(samples[2400])  # wrapped
    assert out.max() < samples[2880]


def test_louder_conversion_is_brought_down_to_the_original() -> None:
    gains = matched_gains([-23.0, -17.0])
    assert gains[0] == 1.0 and 20 * np.log10(gains[1]) == pytest.approx(-6.0)


def test_abx_scores_and_says_when_it_is_not_guessing() -> None:
    session = AbxSession(rng=random.Random(7))
    for _ in range(10):
        session.answer(says_b=session.x_is_b)  # a listener who always hears it
    assert session.correct == 10 and session.p_value < 0.01
    assert "10/10" in session.summary() and "real difference" in session.summary()


def test_peaks_keep_the_extremes_of_each_bucket() -> None:
    samples = np.zeros(100_000, dtype=np.float32)
    samples[12_345] = 0.9
    samples[54_321] = -0.7
    _times, values = min_max_peaks(samples, 16000, buckets=1000)
    assert values.max() == pytest.approx(0.9) and values.min() == pytest.approx(-0.7)
    assert len(values) == 2000


def test_analysis_of_real_speech_finds_a_male_voice(speech_path: Path) -> None:
    audio = analyse_take(speech_path)
    assert audio.duration_s == pytest.approx(4.0, abs=0.01)
    voiced = audio.f0_hz[np.isfinite(audio.f0_hz)]
    assert 90 < np.median(voiced) < 160  # ARCTIC's male speaker
    assert np.isnan(audio.f0_hz).any()  # pauses are gaps, not zeros


def test_file_checks_name_the_problem(tmp_path: Path, speech_path: Path) -> None:
    empty = tmp_path / "empty.flac"
    empty.touch()
    silent = tmp_path / "blip.wav"
    with wave.open(str(silent), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * 100)
    limit = 20 * 2**20  # the service's, once connected
    assert check_file(speech_path, limit).ok
    assert "empty" in (check_file(empty, limit).problem or "")
    assert "no sound" in (check_file(silent, limit).problem or "")
    assert "over the" in (check_file(speech_path, 1000).problem or "")  # a smaller service
    folder = tmp_path / "session"
    folder.mkdir()
    (folder / "a.wav").write_bytes(speech_path.read_bytes())
    (folder / "readme.txt").write_text("not audio")
    assert expand_dropped([folder]) == [folder / "a.wav"]
