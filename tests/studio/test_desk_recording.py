"""The desk in the real window, on the virtual microphone and a real service: the live pitch and
level, R records and Space stops, the take is checked and uploads into the current folder; a
take recorded while the service is away waits in the queue and uploads after a restart."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from tests.studio.helpers import InlineThreadPool, open_new_folder, running_window
from tests.support.pulse import VirtualMic
from tests.support.server import LiveServer, free_port
from voxbooth.audio.capture import InputCapture
from voxbooth.audio.devices import AudioDevice
from voxbooth.studio.assembly import Studio
from voxbooth.studio.desk.controller import DeskController, open_capture
from voxbooth.studio.desk.panel import DeskPanel
from voxbooth.studio.outbox import writer as queue_writer
from voxbooth.studio.outbox.outbox import Outbox
from voxbooth.studio.outbox.store import WAITING, OutboxEntry, OutboxStore
from voxbooth.studio.service.backend import StudioBackend
from voxbooth.studio.service.requests import Requests
from voxbooth.studio.service.workers import TaskRunner

RATE_HZ = 48000


def tone(f0_hz: float, seconds: float, amplitude: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * RATE_HZ)) / RATE_HZ
    return amplitude * np.sin(2 * np.pi * f0_hz * t)



@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, live_server: LiveServer, mic: VirtualMic,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[Studio]:
    monkeypatch.setenv("VOXBOOTH_TAKES_DIR", str(tmp_path / "takes"))
    with running_window(qtbot, tmp_path, live_server) as w:
        qtbot.waitUntil(lambda: w.desk.capture is not None, timeout=10000)
        yield w
        mic.stop_players()


def make_folder(window: Studio, qtbot: QtBot, name: str) -> str:
    return open_new_folder(window, qtbot, f"Desk {name}", name)


def test_live_pitch_and_level_follow_the_microphone(window: Studio, qtbot: QtBot,
                                                    mic: VirtualMic) -> None:
    panel = window.desk_panel
    assert panel.rate_label.text() == "48 kHz"
    assert panel.device_picker.count() >= 1
    mic.play(tone(220.0, 6.0), RATE_HZ)
    analysis = window.desk.analysis
    assert analysis is not None

    def voiced() -> np.ndarray:
        f0 = analysis.f0.view()[1]
        return f0[np.isfinite(f0)]

    qtbot.waitUntil(lambda: voiced().size > 100
                    and panel.live_view.note_label.text().startswith("A3"), timeout=8000)
    assert np.median(voiced()) == pytest.approx(220.0, rel=0.01)
    drawn = panel.live_view.f0_curve.getData()[1]  # semitones on the trace
    assert np.nanmedian(drawn) == pytest.approx(57.0, abs=0.2)  # A3 is MIDI 57
    assert -16.0 < panel.meter.reading.peak_hold_db < -6.0  # 0.3 full scale is -10.5 dBFS
    assert not panel.meter.reading.clipped
    mic.play(tone(440.0, 0.5, amplitude=1.2), RATE_HZ)  # louder than full scale: clips
    qtbot.waitUntil(lambda: panel.meter.reading.clipped, timeout=8000)
    assert "CLIP" in panel.meter.text()
    qtbot.wait(800)
    qtbot.mouseClick(panel.meter, Qt.MouseButton.LeftButton)
    window.desk.tick()
    assert not panel.meter.reading.clipped


def test_r_records_space_stops_and_the_take_uploads(window: Studio, qtbot: QtBot,
                                                    mic: VirtualMic, speech_path: Path) -> None:
    folder_id = make_folder(window, qtbot, "Chapter 2")
    flow = window
    panel = flow.desk_panel
    panel.script_panel.set_text("When the sunlight strikes raindrops in the air.\nSecond line.")
    window.window.activateWindow()
    panel.setFocus()
    qtbot.keyClick(panel, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: flow.desk.recording, timeout=10000)
    speech, rate = sf.read(speech_path, dtype="float32")
    player = mic.play(np.concatenate([np.zeros(rate // 4), speech]), rate)
    player.wait(timeout=20)
    qtbot.wait(600)
    assert panel.take_time.text() >= "00:04.0"
    assert panel.overflow_label.text().startswith("overflows ")
    qtbot.keyClick(window.takes_view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not flow.desk.recording and flow.desk.recorder is None,
                    timeout=5000)
    take_path = Path(panel.last_take_path)
    info = sf.info(str(take_path))
    assert info.samplerate == 48000 and info.duration > 4.0  # all of the speech
    qtbot.waitUntil(lambda: panel.last_verdict is not None, timeout=10000)
    assert panel.last_verdict.verdict in ("good", "warning"), panel.last_verdict.summary
    qtbot.waitUntil(lambda: window.takes.rowCount() == 1, timeout=20000)
    take = window.takes.takes()[0]
    assert take.folder_id == folder_id
    assert take.label.startswith("L01 take 1: When the sunlight")
    assert take.duration_s == pytest.approx(info.duration, abs=0.1)
    assert flow.desk.store.entries == []  # nothing left to upload
    assert take_path.exists()  # the take stays on this computer too
    assert "1 take(s)" in panel.script_panel.position_label.text()
    panel.script_panel.star_button.click()  # the best take of the line: starred on the service
    qtbot.waitUntil(lambda: window.takes.takes()[0].starred, timeout=10000)
    assert "best: take 1" in panel.script_panel.position_label.text()
    backend = window.requests.backend
    assert backend is not None and backend.get_take(take.id).starred


def test_takes_wait_while_the_service_is_away_and_upload_after_a_restart(
        qtbot: QtBot, tmp_path: Path, live_server: LiveServer, speech_path: Path) -> None:
    take = tmp_path / "takes" / "20261121-120000 L01 take 1.wav"
    take.parent.mkdir()
    data, rate = sf.read(speech_path, dtype="float32")
    sf.write(take, data, rate)
    backend = StudioBackend.connect(live_server.url, live_server.api_key)
    folder = backend.client.folders.create(
        backend.client.projects.create("Queue").id, "Away").id
    runner = TaskRunner(InlineThreadPool())
    away = Requests(runner)
    away.set_backend(StudioBackend.connect(f"http://127.0.0.1:{free_port()}", "nobody"))
    store = OutboxStore.open_blocking(take.parent)
    store.put(OutboxEntry(str(take), folder, "L01 take 1"))
    uploads = Outbox(away, store, lambda: "", runner, InlineThreadPool())
    uploads.start()
    uploads.enqueue(str(take))
    qtbot.waitUntil(lambda: [e.state for e in store.entries] == [WAITING], timeout=20000)
    store.flush()  # what the end of the process waits for
    assert [e.state for e in OutboxStore.open_blocking(take.parent).entries] == [WAITING]
    assert "unreachable" in store.entries[0].message
    # the studio restarts (a new store read from disk) and the service is back
    back = Requests(runner)
    back.set_backend(backend)
    uploaded = []
    reread = OutboxStore.open_blocking(take.parent)
    restarted = Outbox(back, reread, lambda: "", runner, InlineThreadPool())
    restarted.uploaded.connect(uploaded.append)
    restarted.start()
    qtbot.waitUntil(lambda: len(uploaded) == 1, timeout=20000)
    restarted.stop()
    assert uploaded[0].folder_id == folder and uploaded[0].label == "L01 take 1"
    reread.flush()
    assert OutboxStore.open_blocking(take.parent).entries == []


def inline_desk(takes: Path, folder_id: str = "folder-1") -> DeskController:
    """A desk whose workers run inline, with no service (its uploads wait) and no microphone."""
    runner = TaskRunner(InlineThreadPool())
    store = OutboxStore(takes)
    uploads = Outbox(Requests(runner), store, lambda: folder_id, runner, InlineThreadPool())
    return DeskController(runner, store, uploads, lambda: folder_id)


def write_take(takes: Path, speech_path: Path) -> Path:
    take = takes / "20261121-120000 L01 take 1.wav"
    take.parent.mkdir(parents=True, exist_ok=True)
    data, rate = sf.read(speech_path, dtype="float32")
    sf.write(take, data, rate)
    return take


def test_a_queued_take_survives_a_restart_of_the_desk(qtbot: QtBot, tmp_path: Path,
                                                      speech_path: Path) -> None:
    take = write_take(tmp_path / "takes", speech_path)
    desk = inline_desk(take.parent)
    desk.recover()  # the (empty) queue is read, nothing to repair
    desk.store.put(OutboxEntry(str(take), "folder-1", "L01 take 1"))  # as `record` does
    desk.check(str(take))  # the take stopped: checked, then queued (the service is away)
    qtbot.waitUntil(lambda: [e.state for e in desk.outbox.waiting] == [WAITING], timeout=10000)
    desk.outbox.stop()
    desk.store.flush()  # the process ends: its writer thread finishes first
    # the studio starts again: a new store, desk and uploads over the same folder
    again = inline_desk(take.parent)
    assert again.store.entries == []  # nothing is read on the GUI thread...
    shown: list[int] = []
    again.outbox.changed.connect(lambda: shown.append(len(again.outbox.waiting)))
    again.recover()  # ...a worker reads the queue
    qtbot.waitUntil(lambda: bool(shown) and shown[-1] == 1, timeout=10000)
    again.outbox.stop()
    assert [(e.name, e.state, e.folder_id, e.label) for e in again.outbox.waiting] == [
        (take.name, WAITING, "folder-1", "L01 take 1")]
    assert shown and shown[-1] == 1  # the desk shows it waiting


def test_the_queue_is_written_off_the_gui_thread(qtbot: QtBot, tmp_path: Path,
                                                 speech_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk that stalls on every write: the take's state changes on the GUI thread at once,
    and the file is written by the queue's own thread once the disk answers."""
    take = write_take(tmp_path / "takes", speech_path)
    desk = inline_desk(take.parent)
    read: list[bool] = []
    desk.outbox.changed.connect(lambda: read.append(True))
    desk.recover()
    qtbot.waitUntil(lambda: bool(read), timeout=10000)  # the (empty) queue was read
    desk.outbox.stop()
    disk_free = threading.Event()
    writers: list[threading.Thread] = []
    real_write = queue_writer.write_queue

    def stalling_write(path: Path, entries: list[OutboxEntry]) -> None:
        writers.append(threading.current_thread())
        disk_free.wait(10)
        real_write(path, entries)

    monkeypatch.setattr(queue_writer, "write_queue", stalling_write)
    started_s = time.monotonic()
    desk.store.put(OutboxEntry(str(take), "folder-1", "L01 take 1"))
    desk.outbox.enqueue(str(take))  # `waiting`: written again
    assert time.monotonic() - started_s < 2.0  # far from the 10 s the disk would have taken
    assert [e.state for e in desk.store.entries] == [WAITING]
    assert not (take.parent / "upload-queue.json").exists()  # the disk has not answered yet
    disk_free.set()
    desk.store.flush()
    assert writers and threading.main_thread() not in writers
    assert [e.state for e in OutboxStore.open_blocking(take.parent).entries] == [WAITING]


def device(index: int, name: str) -> AudioDevice:
    return AudioDevice(index, name, "ALSA", 1, 0, 48000.0, index == 0, False)


def test_microphones_are_listed_in_a_worker_and_looked_for_again(qtbot: QtBot,
                                                                 tmp_path: Path) -> None:
    """The list of inputs comes from a worker thread; ⟳ finds one plugged in later and opens
    the chosen microphone again."""
    plugged = [device(0, "Built-in"), device(1, "Desk mic")]
    listed_on: list[threading.Thread] = []
    rescans: list[threading.Thread] = []

    def lister() -> list[AudioDevice]:
        listed_on.append(threading.current_thread())
        return list(plugged)

    def rescanner() -> bool:
        rescans.append(threading.current_thread())
        return True

    runner = TaskRunner(QThreadPool())
    store = OutboxStore(tmp_path / "takes")
    uploads = Outbox(Requests(runner), store, lambda: "", runner, InlineThreadPool())
    desk = DeskController(runner, store, uploads, lambda: "", lister=lister,
                          rescanner=rescanner)
    opened: list[str | None] = []
    desk.open_device = lambda name: opened.append(name) or True  # type: ignore[method-assign]
    panel = DeskPanel(desk)
    qtbot.addWidget(panel)
    panel.fill_devices("Desk mic")
    qtbot.waitUntil(lambda: panel.device_picker.count() == 2, timeout=5000)
    assert listed_on and threading.main_thread() not in listed_on
    assert panel.device_picker.currentText() == "Desk mic" and opened == ["Desk mic"]
    plugged.append(device(2, "USB microphone"))  # plugged in while the studio runs
    panel.device_refresh.click()
    assert not panel.device_picker.isEnabled()  # no device is picked while PortAudio restarts
    qtbot.waitUntil(lambda: panel.device_picker.count() == 3, timeout=5000)
    assert rescans and threading.main_thread() not in rescans
    assert panel.device_picker.findText("USB microphone") >= 0
    assert panel.device_picker.currentText() == "Desk mic"  # the chosen one stays chosen...
    assert opened == ["Desk mic", "Desk mic"]  # ...and opens again
    assert panel.device_picker.isEnabled() and panel.device_refresh.isEnabled()


def test_punch_in_replaces_a_region_as_a_new_take(window: Studio, qtbot: QtBot,
                                                  mic: VirtualMic) -> None:
    from voxbooth.dsp.pitch import track_pitch

    flow = window
    panel = flow.desk_panel
    mic.play(tone(220.0, 5.0), RATE_HZ)
    panel.record()

    def recorded_s() -> float:
        status = flow.desk.status()
        return status.duration_s if status is not None else 0.0

    qtbot.waitUntil(lambda: recorded_s() > 4.0, timeout=10000)
    flow.desk.stop()
    qtbot.waitUntil(lambda: flow.desk.recorder is None, timeout=5000)
    original = Path(panel.last_take_path)
    original_s = sf.info(str(original)).duration
    mic.stop_players()
    panel.punch_from.setValue(2.5)
    panel.punch_to.setValue(3.5)
    mic.play(tone(330.0, 6.0), RATE_HZ)  # what the artist says this time
    panel.punch_action.trigger()
    qtbot.waitUntil(lambda: panel.last_take_path != str(original), timeout=15000)
    spliced = Path(panel.last_take_path)
    assert "punch" in spliced.name
    samples, rate = sf.read(str(spliced), dtype="float32")
    assert len(samples) / rate == pytest.approx(original_s, abs=0.1)

    def median_f0(start_s: float, end_s: float) -> float:
        part = samples[int(start_s * rate):int(end_s * rate)]
        f0 = track_pitch(part, rate).f0_hz
        return float(np.nanmedian(f0))

    assert median_f0(0.5, 2.3) == pytest.approx(220.0, rel=0.02)  # before: the first take
    assert median_f0(2.7, 3.3) == pytest.approx(330.0, rel=0.02)  # the punched-in region
    assert median_f0(3.7, original_s - 0.2) == pytest.approx(220.0, rel=0.02)  # after
    assert original.exists() and sf.info(str(original)).duration == original_s  # kept


def test_the_window_stays_responsive_while_the_microphone_opens_and_the_take_starts(
        qtbot: QtBot, tmp_path: Path, mic: VirtualMic) -> None:
    """Real worker threads: a microphone slow to open and R then Space at once. The GUI thread
    keeps ticking meanwhile, Space while the take starts stops it once it runs, nothing lost."""
    opening_s = 0.6

    opening: list[float] = []  # when the worker began and ended opening the device

    def slow_open(name: str | None) -> InputCapture:
        opening.append(time.monotonic())
        time.sleep(opening_s)  # as a USB interface waking up
        capture = open_capture(name)
        opening.append(time.monotonic())
        return capture

    runner = TaskRunner(QThreadPool())
    store = OutboxStore(tmp_path / "takes")
    uploads = Outbox(Requests(runner), store, lambda: "", runner, InlineThreadPool())
    desk = DeskController(runner, store, uploads, lambda: "", opener=slow_open)
    panel = DeskPanel(desk)
    qtbot.addWidget(panel)
    panel.show()
    beats: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(20)
    heartbeat.timeout.connect(lambda: beats.append(time.monotonic()))
    heartbeat.start()
    opened: list[str] = []
    desk.device_opened.connect(lambda name, _rate: opened.append(name))
    assert desk.open_device(None)
    assert panel.rate_label.text() == "opening…"
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    # the GUI thread kept running its timers while the worker was opening the device (a GUI
    # thread that opened it itself could not tick in between, however idle the machine)
    began, ended = opening
    assert sum(began < beat < ended for beat in beats) >= 2, (beats, opening)
    assert panel.rate_label.text() == "48 kHz"
    mic.play(tone(220.0, 3.0), RATE_HZ)
    qtbot.wait(300)
    stopped: list[object] = []
    desk.take_stopped.connect(stopped.append)
    panel.activateWindow()
    panel.setFocus()
    qtbot.keyClick(panel, Qt.Key.Key_R)
    # the file is created in a worker: not "recording" yet, and a second R does nothing
    assert desk.starting and not desk.recording
    assert panel.stop_button.isEnabled() is False
    qtbot.keyClick(panel, Qt.Key.Key_R)
    qtbot.keyClick(panel, Qt.Key.Key_Space)  # stopped as soon as it runs
    qtbot.waitUntil(lambda: bool(stopped), timeout=10000)
    heartbeat.stop()
    assert desk.recorder is None and not desk.starting
    assert len(stopped) == 1 and len(list((tmp_path / "takes").glob("*.wav"))) == 1
    take = Path(panel.last_take_path)
    assert sf.info(str(take)).samplerate == 48000  # a complete, readable take file
    assert not panel.stop_button.isEnabled() and panel.record_button.isEnabled()
    desk.close_device()


def test_r_and_space_work_with_focus_in_any_desk_widget_but_a_text_field(
        window: Studio, qtbot: QtBot) -> None:
    make_folder(window, qtbot, "Keys")
    panel, desk = window.desk_panel, window.desk
    window.window.activateWindow()

    def record_and_stop(focus: QWidget) -> None:
        focus.setFocus()
        qtbot.keyClick(focus, Qt.Key.Key_R)
        assert desk.recording or desk.starting, focus
        qtbot.waitUntil(lambda: desk.recording, timeout=5000)
        qtbot.wait(300)
        stopper = QApplication.focusWidget() or focus
        qtbot.keyClick(stopper, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: not desk.recording and desk.recorder is None, timeout=5000)

    # as reported: Record clicked, Space stops, then R with focus wherever it went
    panel.record_button.click()
    qtbot.waitUntil(lambda: desk.recording, timeout=5000)
    qtbot.keyClick(QApplication.focusWidget() or panel, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not desk.recording and desk.recorder is None, timeout=5000)
    record_and_stop(QApplication.focusWidget() or panel)
    tried = []
    for widget in panel.findChildren(QWidget):
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or not widget.isVisible() or \
                not widget.isEnabled() or isinstance(widget, QLineEdit | QPlainTextEdit):
            continue
        record_and_stop(widget)
        tried.append(type(widget).__name__)
    assert {"QDoubleSpinBox", "QPushButton", "QComboBox"} <= set(tried), tried
    # typing in a text field keeps its keys: R is a letter of the filter there
    window.filter_edit.setFocus()
    qtbot.keyClick(window.filter_edit, Qt.Key.Key_R)
    assert window.filter_edit.text() == "r" and not desk.recording
    # and Space plays from the takes list as from anywhere else (the action is triggered)
    played: list[bool] = []
    window.actions_by_key["play_stop"].triggered.connect(lambda _c=False: played.append(True))
    window.takes_view.setFocus()
    qtbot.keyClick(window.takes_view, Qt.Key.Key_Space)
    assert played == [True]


def test_the_waveform_selection_is_the_punch_in_region_drawn_while_it_runs(
        window: Studio, qtbot: QtBot, mic: VirtualMic) -> None:
    from voxbooth.studio.analysis import analyse_take

    panel, desk, wave = window.desk_panel, window.desk, window.waveform
    mic.play(tone(220.0, 5.0), RATE_HZ)
    panel.record()
    qtbot.waitUntil(lambda: (desk.status() is not None
                             and desk.status().duration_s > 4.0), timeout=10000)  # type: ignore[union-attr]
    desk.stop()
    qtbot.waitUntil(lambda: desk.recorder is None, timeout=5000)
    original = panel.last_take_path
    wave.show_audio(analyse_take(Path(original)))  # the take as the waveform draws it
    wave.set_selection(2.5, 3.5)  # what a drag over it selects
    assert (panel.punch_from.value(), panel.punch_to.value()) == (2.5, 3.5)
    assert wave.punch_s is None and not wave.punch_band.isVisible()
    panel.punch_action.trigger()
    assert wave.punch_s == (0.5, 2.5, 3.5)  # its 2 s of pre-roll, then the region
    assert wave.punch_band.isVisible() and wave.preroll_band.isVisible()
    qtbot.waitUntil(lambda: desk.recording, timeout=10000)
    qtbot.waitUntil(lambda: panel.last_take_path != original, timeout=15000)
    assert wave.punch_s is None and not wave.punch_band.isVisible()
