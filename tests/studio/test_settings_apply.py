"""Choices made in Settings apply at once: the microphone the desk opens (and the desk's own pick
is the one Settings shows), the output the next play uses, the folder new takes go to - while
takes recorded before the change still upload and are still repaired after a crash - and the
plots' colours when the OS theme flips."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from tests.studio.helpers import InlineThreadPool, running_window
from tests.support.pulse import VirtualMic
from tests.support.server import LiveServer
from voxbooth.audio.take_file import TakeFile, TakeFormat, TakeMarker, marker_path
from voxbooth.studio.assembly import Studio
from voxbooth.studio.desk.controller import DeskController
from voxbooth.studio.dialogs.settings import SettingsDialog, list_device_names
from voxbooth.studio.outbox.outbox import Outbox
from voxbooth.studio.outbox.store import WAITING, OutboxEntry, OutboxStore
from voxbooth.studio.plot_theme import PlotColours
from voxbooth.studio.service.requests import Requests
from voxbooth.studio.service.workers import TaskRunner
from voxbooth.studio.theme import dark_palette, live_colours, plot_colours


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, live_server: LiveServer, mic: VirtualMic,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[Studio]:
    monkeypatch.setenv("VOXBOOTH_TAKES_DIR", str(tmp_path / "takes"))
    with running_window(qtbot, tmp_path, live_server, connect=False) as w:
        qtbot.waitUntil(lambda: w.desk.capture is not None, timeout=10000)
        yield w
        mic.stop_players()
        w.context.player.stop()


def save_settings(window: Studio, qtbot: QtBot, **choices: str) -> SettingsDialog:
    """Opens Settings, makes the choices as the artist would once the devices are listed,
    and presses OK."""
    dialog = SettingsDialog(window.context.settings, window.context.runner, window.window)
    qtbot.addWidget(dialog)
    for combo_name in ("input", "output"):
        if combo_name in choices:
            combo = getattr(dialog, combo_name)
            wanted = choices[combo_name]
            try:
                qtbot.waitUntil(lambda c=combo, w=wanted: c.findData(w) >= 0, timeout=10000)
            except qtbot.TimeoutError:
                pytest.fail(f"{wanted} is not offered in Settings")
            combo.setCurrentIndex(combo.findData(wanted))
    if "takes_folder" in choices:
        dialog.takes_folder.setText(choices["takes_folder"])
    dialog.accept()
    dialog.save()
    return dialog


def open_microphone(window: Studio) -> str:
    capture = window.desk.capture
    return capture.device.name if capture is not None else ""


def test_the_microphone_chosen_in_settings_is_the_one_the_desk_opens(
        window: Studio, qtbot: QtBot) -> None:
    desk, panel = window.desk, window.desk_panel
    first = open_microphone(window)
    others = [n for n in list_device_names("input") if n != first
              and panel.device_picker.findData(n) >= 0]
    if not others:
        pytest.skip("one input device only: nothing else to choose")
    other = others[0]
    save_settings(window, qtbot, input=other)
    qtbot.waitUntil(lambda: open_microphone(window) == other, timeout=10000)
    assert panel.device_picker.currentText() == other  # the desk's picker follows
    assert panel.rate_label.text().endswith("kHz")
    assert window.context.settings.input_device() == other

    # picked at the desk: Settings shows that one next time
    panel.device_picker.setCurrentIndex(panel.device_picker.findData(first))
    panel.device_picker.activated.emit(panel.device_picker.currentIndex())
    qtbot.waitUntil(lambda: open_microphone(window) == first, timeout=10000)
    again = SettingsDialog(window.context.settings, window.context.runner, window.window)
    qtbot.addWidget(again)
    assert again.input.currentData() == first

    # chosen in Settings during a take: the take keeps its microphone, the next one has it
    panel.record_action.trigger()
    qtbot.waitUntil(lambda: desk.recording, timeout=10000)
    save_settings(window, qtbot, input=other)
    qtbot.wait(300)
    assert desk.recording and open_microphone(window) == first
    desk.stop()
    qtbot.waitUntil(lambda: open_microphone(window) == other and not desk.take_busy,
                    timeout=10000)
    assert panel.device_picker.currentText() == other


def test_a_new_playback_device_is_used_at_the_next_play(window: Studio,
                                                        qtbot: QtBot) -> None:
    player = window.context.player
    player.load([(0.2 * np.sin(np.arange(48000) * 2 * np.pi * 440 / 48000), 48000)])
    player.play()
    assert player.device is not None
    before = player.device.name
    player.stop()
    others = [n for n in list_device_names("output") if n != before]
    if not others:
        pytest.skip("one output device only: nothing else to choose")
    save_settings(window, qtbot, output=others[0])
    player.play()  # no restart
    assert player.playing and player.device is not None and player.device.name == others[0]
    player.stop()
    save_settings(window, qtbot, output="")  # back to the system default
    player.play()
    assert player.device is not None and player.device.name == before
    player.stop()


def record_take(window: Studio, qtbot: QtBot, mic: VirtualMic, speech_path: Path) -> Path:
    desk = window.desk
    path = desk.record("Line")
    assert path is not None
    qtbot.waitUntil(lambda: desk.recording, timeout=10000)
    speech, rate = sf.read(speech_path, dtype="float32")
    mic.play(np.concatenate([np.zeros(rate // 4), speech]), rate).wait(timeout=20)
    qtbot.wait(400)
    with qtbot.waitSignal(desk.verdict, timeout=15000):
        desk.stop()
    return path


def test_new_takes_go_to_the_chosen_folder_and_earlier_ones_still_upload(
        window: Studio, qtbot: QtBot, mic: VirtualMic, speech_path: Path,
        tmp_path: Path) -> None:
    panel = window.desk_panel
    earlier = record_take(window, qtbot, mic, speech_path)  # the service is away: it waits
    assert earlier.parent == tmp_path / "takes"
    chosen = tmp_path / "other disk" / "my takes"
    save_settings(window, qtbot, takes_folder=str(chosen))
    assert window.context.settings.takes_folder() == chosen
    qtbot.wait(1100)  # take file names are stamped to the second
    later = record_take(window, qtbot, mic, speech_path)
    assert later.parent == chosen and later.is_file()
    assert earlier.is_file()  # nothing was moved
    qtbot.waitUntil(lambda: "2 kept on this computer" in panel.queue_label.text(),
                    timeout=10000)
    assert str(chosen) in panel.queue_label.text()
    assert str(earlier.parent) in panel.queue_label.text()
    window.context.connection.start()  # the service is back: both upload into its folder
    qtbot.waitUntil(lambda: window.takes.rowCount() == 2, timeout=30000)
    assert sorted(t.label for t in window.takes.takes()) == ["Line", "Line"]
    assert window.desk.store.entries == []
    reopened = SettingsDialog(window.context.settings, window.context.runner, window.window)
    qtbot.addWidget(reopened)
    assert reopened.takes_folder.text() == str(chosen)


def left_open_by_a_crash(path: Path, speech_path: Path) -> None:
    """A take whose recording process was killed: header stale, marker of a dead process."""
    speech, rate = sf.read(speech_path, dtype="float32")
    take = TakeFile(path, rate, 1, TakeFormat("WAV", "PCM_24"))
    take.write(speech[:, None])
    take.abandon()
    dead = subprocess.Popen(["true"])
    dead.wait()
    marker = TakeMarker.load(marker_path(path))
    replace(marker, pid=dead.pid).save(marker_path(path))


def test_a_take_left_open_in_an_earlier_takes_folder_is_repaired_and_queued(
        qtbot: QtBot, tmp_path: Path, speech_path: Path) -> None:
    desk_folder, earlier, now = tmp_path / "desk", tmp_path / "earlier", tmp_path / "now"
    take = earlier / "20261121-120000 L01 take 1.wav"
    queue = OutboxStore.open_blocking(desk_folder)
    queue.put(OutboxEntry(str(take), "folder-1", "L01 take 1"))  # before its first block
    queue.flush()
    left_open_by_a_crash(take, speech_path)
    # the studio starts again, with the takes folder changed since
    runner = TaskRunner(InlineThreadPool())
    store = OutboxStore(desk_folder)
    uploads = Outbox(Requests(runner), store, lambda: "folder-1", runner, InlineThreadPool())
    desk = DeskController(runner, store, uploads, lambda: "folder-1")
    desk.set_takes_folder(now)
    told: list[str] = []
    desk.message.connect(told.append)
    desk.recover()
    qtbot.waitUntil(lambda: bool(uploads.waiting), timeout=10000)  # queued, to wait
    uploads.stop()
    assert any("Recovered 1 take" in t for t in told)
    assert not marker_path(take).exists()
    assert sf.info(str(take)).duration > 2.0
    assert [(e.path, e.state) for e in uploads.waiting] == [(str(take), WAITING)]
    assert desk.takes_dir == now


def pixel(widget: QWidget) -> QColor:
    return widget.grab().toImage().pixelColor(3, 3)


def test_plots_take_the_dark_colours_when_the_os_turns_dark(qtbot: QtBot) -> None:
    from voxbooth.studio.desk.live_view import LiveView
    from voxbooth.studio.widgets.waveform import WaveformView

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    host = QWidget()
    qtbot.addWidget(host)
    waveform, live = WaveformView(dark=False), LiveView(dark=False)
    layout = QVBoxLayout(host)
    layout.addWidget(waveform)
    layout.addWidget(live)
    host.resize(600, 500)
    host.show()
    PlotColours(host, dark=False)
    assert pixel(waveform.plot) == QColor(plot_colours(False)["background"])
    light = app.palette()
    try:
        app.setPalette(dark_palette())  # what the theme does when the OS turns dark
        qtbot.waitUntil(lambda: pixel(waveform.plot) == QColor(plot_colours(True)["background"]),
                        timeout=3000)
        assert pixel(live.plots) == QColor(live_colours(True)["background"])
        assert waveform.wave.opts["pen"].color() == QColor(plot_colours(True)["wave"])
    finally:
        app.setPalette(light)
    qtbot.waitUntil(lambda: pixel(waveform.plot) == QColor(plot_colours(False)["background"]),
                    timeout=3000)
