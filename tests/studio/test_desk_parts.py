"""The desk's Qt-free parts: the scrolling series, the persisted upload queue, script mode,
the pitch target shown on the trace, and what an order costs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from voxbooth.studio.calibration.histogram import f0_histogram
from voxbooth.studio.desk.queue_store import FAILED, RECORDING, WAITING, QueuedTake, QueueStore
from voxbooth.studio.desk.script import Script
from voxbooth.studio.desk.series import ScrollingSeries
from voxbooth.studio.desk.targets import PitchTarget
from voxbooth.studio.ordering.cost import describe_cost, order_cost


def test_series_keeps_the_newest_points_in_order() -> None:
    series = ScrollingSeries(100)
    for start in range(0, 1000, 7):  # many small appends wrap the storage several times
        x = np.arange(start, start + 7, dtype=float)
        series.extend(x, x * 2)
    x, y = series.view()
    assert len(x) == 100 and np.all(np.diff(x) == 1) and x[-1] == 1000.0
    assert np.array_equal(y, 2 * x)
    series.extend(np.arange(5000, 5300, dtype=float), np.full(300, np.nan))
    x, y = series.view()
    assert x[0] == 5200 and np.isnan(y).all()


def test_queue_survives_a_restart(tmp_path: Path) -> None:
    store = QueueStore(tmp_path)
    store.put(QueuedTake(str(tmp_path / "a.wav"), "folder-1", "L01 take 1"))
    store.put(QueuedTake(str(tmp_path / "b.wav"), "folder-1", "L01 take 2"))
    store.update(str(tmp_path / "a.wav"), state=WAITING)
    reopened = QueueStore(tmp_path)
    assert [(e.label, e.state) for e in reopened.entries] == [("L01 take 1", WAITING),
                                                             ("L01 take 2", RECORDING)]
    reopened.remove(str(tmp_path / "a.wav"))
    assert [e.label for e in QueueStore(tmp_path).entries] == ["L01 take 2"]


def test_damaged_queue_file_is_kept_aside(tmp_path: Path) -> None:
    (tmp_path / "upload-queue.json").write_text("{ half written")
    store = QueueStore(tmp_path)
    assert store.entries == []
    assert list(tmp_path.glob("upload-queue.damaged-*.json"))
    store.put(QueuedTake(str(tmp_path / "c.wav"), "", "x", FAILED, message="refused"))
    assert QueueStore(tmp_path).entries[0].message == "refused"


def test_script_lines_takes_and_best() -> None:
    script = Script("First line of the chapter.\n\n  Second line, said twice.  \nThird.")
    assert script.lines == ["First line of the chapter.", "Second line, said twice.", "Third."]
    script.move(1)
    assert script.label_for_next_take() == "L02 take 1: Second line, said twice."
    script.add_take("/t/1.wav")
    script.add_take("/t/2.wav")
    assert script.label_for_next_take().startswith("L02 take 3")
    script.star("/t/1.wav")
    assert script.best_of_current() == "/t/1.wav"
    script.move(5)
    assert script.line == "Third." and script.takes_of_current() == []


def test_pitch_target_shift_and_band() -> None:
    target = PitchTarget("Greta", 220.0, 110.0, semitones_correction=-2.0)
    assert target.shift_semitones == pytest.approx(10.0)
    low, high = target.band_hz
    assert low < 220.0 < high
    assert "+10.0 st" in target.describe() and "A3" in target.describe()
    assert "calibrate" in PitchTarget("Greta", 220.0, None).describe()


def test_order_cost_counts_started_minutes_per_voice() -> None:
    assert order_cost([4.0], 2) == 2
    assert order_cost([61.0, 30.0], 3) == 9
    assert "not enough credits" in describe_cost([600.0], 2, balance=5)
    assert describe_cost([], 2, None).startswith("Select")


def test_f0_histogram_finds_the_speaking_pitch() -> None:
    rng = np.random.default_rng(7)
    f0 = 120.0 * 2 ** (rng.normal(0, 1.5, 1500) / 12)
    f0[::4] = np.nan  # unvoiced frames
    histogram = f0_histogram(f0)
    assert histogram.median_hz == pytest.approx(120.0, rel=0.03)
    assert histogram.usable and histogram.counts.sum() == np.isfinite(f0).sum()
    assert not f0_histogram(np.full(100, np.nan)).usable


def test_take_file_names_are_safe_and_readable() -> None:
    from voxbooth.studio.desk.takes_folder import take_file_name

    assert take_file_name("L03 take 2: When the sun", 0).endswith(" L03 take 2.wav")
    assert take_file_name("Take 13:43:04", 0).endswith(" Take 13.43.04.wav")
    assert take_file_name("L01 take 1: x", 0, suffix=" punch-in").endswith(" punch-in.wav")
    assert "/" not in take_file_name("../../etc/passwd", 0)
