"""Peak pyramids drawn from real speech and synthetic signals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voxbooth.dsp.peaks import PeakBuilder, PeakPyramid, build_peaks


@pytest.fixture(scope="module")
def speech(speech_path: Path) -> tuple[np.ndarray, int]:
    samples, rate_hz = sf.read(str(speech_path), dtype="float32")
    return samples, int(rate_hz)


def test_every_level_bounds_the_samples_it_covers(speech: tuple[np.ndarray, int]) -> None:
    samples, rate_hz = speech
    pyramid = build_peaks(samples, rate_hz)
    assert pyramid.frames == samples.shape[0]
    assert len(pyramid.levels[-1]) == 1
    for level in pyramid.levels:
        spp = level.samples_per_peak
        assert len(level) == -(-samples.shape[0] // spp)
        for i in np.linspace(0, len(level) - 1, 25).astype(int):
            covered = samples[i * spp: (i + 1) * spp]
            assert level.mins[i] == covered.min()
            assert level.maxs[i] == covered.max()
    top = pyramid.levels[-1]
    assert (top.mins[0], top.maxs[0]) == (samples.min(), samples.max())


def test_levels_grow_by_the_factor() -> None:
    pyramid = build_peaks(np.zeros(100_000, np.float32), 48000, base_block=100, factor=10)
    assert [lvl.samples_per_peak for lvl in pyramid.levels] == [100, 1000, 10_000, 100_000]


def test_level_for_gives_at_least_one_peak_per_pixel() -> None:
    pyramid = build_peaks(np.zeros(48000 * 60, np.float32), 48000)  # spp 256, 1024, 4096 ...
    assert pyramid.level_for(10).samples_per_peak == 256
    assert pyramid.level_for(1023).samples_per_peak == 256
    assert pyramid.level_for(1024).samples_per_peak == 1024
    assert pyramid.level_for(5000).samples_per_peak == 4096
    # a one-minute take over 1000 pixels: 2880 samples per pixel
    level = pyramid.level_for(48000 * 60 / 1000)
    assert 1000 <= len(level) <= 4 * 1000


def test_streaming_builder_matches_the_whole_signal(speech: tuple[np.ndarray, int]) -> None:
    samples, rate_hz = speech
    builder = PeakBuilder(rate_hz)
    rng = np.random.default_rng(7)
    start = 0
    while start < samples.shape[0]:
        size = int(rng.integers(1, 3000))  # odd block sizes, as a sound card delivers them
        builder.add(samples[start: start + size])
        start += size
        if start > samples.shape[0] // 2 and builder.frames - size <= samples.shape[0] // 2:
            halfway = builder.pyramid()  # a live snapshot mid-recording
            assert halfway.frames == builder.frames
    whole = build_peaks(samples, rate_hz)
    streamed = builder.pyramid()
    assert len(streamed.levels) == len(whole.levels)
    for a, b in zip(streamed.levels, whole.levels, strict=True):
        np.testing.assert_array_equal(a.mins, b.mins)
        np.testing.assert_array_equal(a.maxs, b.maxs)


def test_multichannel_blocks_share_one_outline() -> None:
    left = np.full(512, 0.25, np.float32)
    right = np.full(512, -0.5, np.float32)
    builder = PeakBuilder(8000)
    builder.add(np.stack([left, right], axis=1))
    level = builder.pyramid().levels[0]
    assert level.mins.tolist() == [-0.5, -0.5]
    assert level.maxs.tolist() == [0.25, 0.25]


def test_bytes_round_trip_is_compact_and_never_shrinks_the_outline(
        speech: tuple[np.ndarray, int]) -> None:
    samples, rate_hz = speech
    pyramid = build_peaks(samples, rate_hz)
    data = pyramid.to_bytes()
    # all levels together cost about 4/3 of level 0: 4 bytes per 256 samples
    assert len(data) < samples.shape[0] * 2 / 128 * 1.5 + 200
    back = PeakPyramid.from_bytes(data)
    assert (back.sample_rate_hz, back.frames, back.base_block, back.factor) == (
        rate_hz, samples.shape[0], 256, 4)
    for a, b in zip(back.levels, pyramid.levels, strict=True):
        assert a.samples_per_peak == b.samples_per_peak
        assert np.all(a.mins <= b.mins) and np.all(a.maxs >= b.maxs)
        assert np.max(np.abs(a.mins - b.mins)) <= 1.0 / 32767 + 1e-7


def test_from_bytes_refuses_other_data() -> None:
    with pytest.raises(ValueError):
        PeakPyramid.from_bytes(b"RIFF" + bytes(40))


def test_to_json_span_for_a_zoomed_view() -> None:
    rate_hz = 1000
    samples = np.zeros(10_000, np.float32)
    samples[5000] = 0.9  # a click at 5 s
    pyramid = build_peaks(samples, rate_hz, base_block=100, factor=10)
    shown = pyramid.to_json(0, start_frame=4500, end_frame=5500)
    assert shown["sample_rate"] == rate_hz and shown["samples_per_peak"] == 100
    assert shown["start_frame"] == 4500
    assert len(shown["peaks"]) == 10
    assert shown["peaks"][5] == [0.0, 0.9]
    whole = pyramid.to_json(pyramid.level_for(1000))
    assert whole["samples_per_peak"] == 1000 and len(whole["peaks"]) == 10
    assert whole["peaks"][5][1] == pytest.approx(0.9)


def test_empty_take() -> None:
    pyramid = build_peaks(np.zeros(0, np.float32), 16000)
    assert pyramid.frames == 0 and len(pyramid.levels) == 1 and len(pyramid.levels[0]) == 0
    assert PeakPyramid.from_bytes(pyramid.to_bytes()).frames == 0
    assert pyramid.to_json()["peaks"] == []
