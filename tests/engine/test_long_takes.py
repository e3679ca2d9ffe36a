"""Long originals: cut at pauses, converted in parallel processes, joined, streamed to files."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import soundfile

from voxbooth.engine import chunking
from voxbooth.engine.convert import ConversionCancelled, convert, convert_file
from voxbooth.engine.profiles import profile_for_voice

from .measure import cents, loudness_lufs, praat_median_hz


@pytest.fixture(scope="module")
def long_take(arctic: tuple[np.ndarray, int]) -> tuple[np.ndarray, int]:
    """16 s: the ARCTIC sentence four times, as a speaker reading on."""
    samples, rate_hz = arctic
    return np.tile(samples, 4), rate_hz


def test_cuts_fall_in_pauses(long_take: tuple[np.ndarray, int]) -> None:
    samples, rate_hz = long_take
    levels = chunking.frame_levels_db(samples, rate_hz)
    chunks = chunking.plan_chunks(levels, samples.shape[0], rate_hz, chunk_s=4.0)
    assert len(chunks) >= 3
    assert chunks[0].start == 0 and chunks[-1].stop == samples.shape[0]
    loud_db = float(np.percentile(levels, 90))
    for before, after in itertools.pairwise(chunks):
        assert before.stop == after.start
        hop = int(0.01 * rate_hz)
        around = levels[max(after.start // hop - 5, 0) : after.start // hop + 5]
        assert float(around.max()) < loud_db - 25.0  # a pause, not the middle of a word


def _readings_over_a_rumble(arctic: tuple[np.ndarray, int]) -> tuple[np.ndarray, int,
                                                                      list[tuple[float, float]]]:
    """The ARCTIC voice (0.416 s to 3.52 s of a0007) read twelve times, each pause between the
    readings filled by a loud rumble (a fan, a chair): the quietest moments are in the speech."""
    samples, rate_hz = arctic
    voice = np.asarray(samples[int(0.416 * rate_hz): int(3.52 * rate_hz)], dtype=np.float64)
    rng = np.random.default_rng(3)
    parts, pauses, t = [], [], 0.0
    for _ in range(12):
        rumble = np.cumsum(rng.standard_normal(rate_hz // 2))
        rumble -= np.linspace(rumble[0], rumble[-1], rumble.size)
        parts += [voice, 0.08 * rumble / np.abs(rumble).max()]
        pauses.append((t + voice.size / rate_hz, t + voice.size / rate_hz + 0.5))
        t += voice.size / rate_hz + 0.5
    return np.concatenate(parts), rate_hz, pauses


def test_cuts_fall_in_the_middle_of_pauses_the_voice_detector_hears(
        arctic: tuple[np.ndarray, int]) -> None:
    from voxbooth.engine.convert import _pauses

    take, rate_hz, pauses = _readings_over_a_rumble(arctic)
    levels = chunking.frame_levels_db(take, rate_hz)
    heard = _pauses(lambda: take, rate_hz, levels, 8.0)
    assert heard is not None
    chunks = chunking.plan_chunks(levels, take.shape[0], rate_hz, 8.0, heard)
    cuts_s = [c.start / rate_hz for c in chunks[1:]]
    assert len(cuts_s) >= 4
    margin_s = 0.1 + chunking.OVERLAP_S  # the crossfade, and as much again, from any word
    for cut in cuts_s:
        assert any(a + margin_s <= cut <= b - margin_s for a, b in pauses), (cut, pauses)
    # by the level alone, some cut lands at the edge of a word, where the crossfade is heard
    by_level = [c.start / rate_hz for c in chunking.plan_chunks(levels, take.shape[0], rate_hz,
                                                                8.0)[1:]]
    assert not all(any(a + margin_s <= cut <= b - margin_s for a, b in pauses)
                   for cut in by_level)


def test_parallel_chunks_equal_the_single_pass(long_take: tuple[np.ndarray, int]) -> None:
    samples, rate_hz = long_take
    profile = profile_for_voice("rosa")
    stages: list[str] = []
    whole = convert(samples, rate_hz, profile, chunk_s=1_000.0)
    parts = convert(
        samples, rate_hz, profile, chunk_s=4.0, max_workers=2,
        progress=lambda fraction, stage: stages.append(stage),
    )  # fmt: skip
    assert parts.shape == whole.shape == samples.shape
    # Pulse phases restart at each chunk, so a re-measured median may move by a few cents.
    assert abs(cents(praat_median_hz(parts, rate_hz), praat_median_hz(whole, rate_hz))) < 10.0
    assert abs(loudness_lufs(parts, rate_hz) - loudness_lufs(whole, rate_hz)) < 0.5
    assert stages[0] == "analysing" and stages[-1] == "mastering"
    assert stages.index("converting") < stages.index("synthesising") < stages.index("mastering")


def test_a_file_streams_to_a_file_with_a_report(
    long_take: tuple[np.ndarray, int], tmp_path: Path
) -> None:
    samples, rate_hz = long_take
    original = tmp_path / "take.flac"
    soundfile.write(original, samples, rate_hz)
    converted = tmp_path / "take-lily.wav"
    profile = profile_for_voice("lily")
    report = convert_file(original, converted, profile, semitones=-2.0, chunk_s=5.0)
    out, out_rate = soundfile.read(converted)
    assert out_rate == rate_hz
    assert abs(out.shape[0] - samples.shape[0]) / rate_hz <= 0.010
    assert report.chunk_count >= 3 and report.voice == "lily"
    assert report.target_f0_hz == pytest.approx(310.0 * 2.0 ** (-2.0 / 12.0))
    assert abs(report.duration_s - samples.shape[0] / rate_hz) < 0.010
    assert abs(cents(praat_median_hz(out, rate_hz), report.target_f0_hz)) < 25.0
    assert abs(loudness_lufs(out, rate_hz) - loudness_lufs(samples, rate_hz)) <= 1.0
    assert not list(tmp_path.glob("*.part"))


def test_cancelling_stops_between_chunks_and_writes_nothing(
    long_take: tuple[np.ndarray, int], tmp_path: Path
) -> None:
    samples, rate_hz = long_take
    original = tmp_path / "take.wav"
    soundfile.write(original, samples, rate_hz)
    polls: list[int] = []

    def cancelled() -> bool:
        polls.append(1)
        return len(polls) > 2

    converted = tmp_path / "out.wav"
    with pytest.raises(ConversionCancelled):
        convert_file(
            original, converted, profile_for_voice("marcus"), chunk_s=4.0, cancelled=cancelled
        )
    assert not converted.exists() and not list(tmp_path.glob("*.part"))
