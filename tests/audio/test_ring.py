"""The live ring and the writer hand-off: contiguous views, nothing lost silently."""

from __future__ import annotations

import numpy as np

from voxbooth.audio.ring import Handoff, LiveRing


def _ramp(start: int, frames: int) -> np.ndarray:
    return np.arange(start, start + frames, dtype=np.float32)[:, None]


def test_latest_frames_are_one_contiguous_view_across_the_wrap() -> None:
    ring = LiveRing(100)
    written = 0
    for frames in (30, 45, 60, 17, 99):  # wraps twice, blocks straddle the seam
        ring.write(_ramp(written, frames))
        written += frames
    latest = ring.read_latest(100)
    assert latest.base is not None and latest.flags["C_CONTIGUOUS"]  # a view, not a copy
    np.testing.assert_array_equal(latest[:, 0], np.arange(written - 100, written))
    np.testing.assert_array_equal(ring.read_latest(7)[:, 0], np.arange(written - 7, written))


def test_reader_gets_each_frame_once_and_counts_what_it_missed() -> None:
    ring = LiveRing(64)
    reader = ring.reader()
    ring.write(_ramp(0, 40))
    np.testing.assert_array_equal(reader.read_new()[:, 0], np.arange(40))
    assert reader.read_new().shape[0] == 0
    ring.write(_ramp(40, 50))
    np.testing.assert_array_equal(reader.read_new(max_frames=20)[:, 0], np.arange(40, 60))
    np.testing.assert_array_equal(reader.read_new()[:, 0], np.arange(60, 90))
    ring.write(_ramp(90, 200))  # the reader slept through more than the ring holds
    got = reader.read_new()
    np.testing.assert_array_equal(got[:, 0], np.arange(290 - 64, 290))
    assert reader.frames_missed == 200 - 64


def test_a_block_longer_than_the_ring_keeps_its_tail() -> None:
    ring = LiveRing(10)
    ring.write(_ramp(0, 25))
    assert ring.frames_written == 25
    np.testing.assert_array_equal(ring.read_latest(10)[:, 0], np.arange(15, 25))


def test_handoff_delivers_in_order_and_counts_drops_when_full() -> None:
    handoff = Handoff(100)
    out: list[np.ndarray] = []
    written = 0
    for frames in (60, 30, 50):  # the third does not fit: dropped whole, counted
        handoff.push(_ramp(written, frames))
        written += frames
    assert handoff.frames_dropped == 50
    first, second = handoff.peek()
    out += [first.copy(), second.copy()]
    handoff.release(first.shape[0] + second.shape[0])
    handoff.push(_ramp(140, 70))  # wraps
    first, second = handoff.peek()
    assert second.shape[0] > 0
    out += [first.copy(), second.copy()]
    got = np.concatenate(out)[:, 0]
    np.testing.assert_array_equal(got, np.concatenate([np.arange(90), np.arange(140, 210)]))
