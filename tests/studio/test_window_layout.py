"""The studio window as an artist sees its layout: it fits a 1280x720 screen and shrinks to
1024x700 with nothing cut off or laid over something else; it stays where it is while a take is
picked, recorded and ordered; progress text stays inside its bar; and the empty takes list says
why it is empty - connecting only while it connects, "no project" (with the button to make one)
only once the service has said there is none."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QInputDialog,
    QLabel,
    QStyleOptionViewItem,
)
from pytestqt.qtbot import QtBot

from tests.studio.helpers import inline_window, open_new_folder, running_window
from tests.support.pulse import VirtualMic
from tests.support.qt_layout import combo_texts_cut_off, geometry_of, layout_problems
from tests.support.server import LiveServer, free_port
from voxbooth.studio.assembly import Studio
from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.models.takes import COL_STATE, TakesModel
from voxbooth.studio.widgets.status_line import StatusLine
from voxbooth.studio.widgets.views import ProgressDelegate, TakesView

LAPTOP = (1280, 720)
SMALLEST = (1024, 700)
RATE_HZ = 48000


def _settle(qtbot: QtBot) -> None:
    qtbot.wait(30)  # queued layout requests and resizes are handled
    QApplication.processEvents()


@pytest.fixture
def studio(qtbot: QtBot, tmp_path: Path, live_server: LiveServer, speech_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[Studio]:
    """A shown studio on a real service with the library loaded, a folder open with one take
    in it and two voices picked (their detail and the order table filled)."""
    monkeypatch.setenv("VOXBOOTH_TAKES_DIR", str(tmp_path / "takes"))
    with running_window(qtbot, tmp_path, live_server) as w:
        qtbot.waitUntil(lambda: w.voices.rowCount() > 1, timeout=20000)
        folder_id = open_new_folder(w, qtbot, "Layout", "Chapter 1: the long road home")
        backend = w.requests.backend
        assert backend is not None
        backend.upload(speech_path, folder_id, label="Line 1: when the sunlight strikes")
        w.browser.reload_takes()
        qtbot.waitUntil(lambda: w.takes.rowCount() == 1, timeout=10000)
        voices = w.voices.voices()
        w.voices_panel.select_voice_ids([voices[0].id, voices[1].id])
        yield w


def test_the_window_fits_a_laptop_screen_and_shrinks_to_1024x700(studio: Studio,
                                                                  qtbot: QtBot) -> None:
    """...with the order's per-voice settings (accent, narration style) never cut off."""
    window = studio.window
    least = window.minimumSizeHint()
    assert least.width() <= SMALLEST[0] and least.height() <= SMALLEST[1], least
    for width, height in (LAPTOP, SMALLEST):
        window.resize(width, height)
        _settle(qtbot)
        assert (window.width(), window.height()) == (width, height)
        problems = layout_problems(window)
        assert problems == [], f"at {width}x{height}:\n" + "\n".join(problems)
        for dock in window.findChildren(QDockWidget):  # every panel is there, none squeezed
            assert dock.isVisible() and dock.width() >= 200 and dock.height() >= 120, \
                (dock.objectName(), dock.size())
        meter = studio.desk_panel.meter
        assert meter.width() >= meter.minimumSizeHint().width() >= 120
        # each voice's accent and narration style read in full, whichever is picked
        order = studio.order_panel
        assert order.table.rowCount() == 2
        assert combo_texts_cut_off(order) == [], f"at {width}x{height}"
        assert combo_texts_cut_off(studio.voices_panel.detail) == [], f"at {width}x{height}"


def test_the_layout_stays_put_while_a_take_is_picked_recorded_and_ordered(
        studio: Studio, qtbot: QtBot, mic: VirtualMic) -> None:
    window = studio.window
    window.resize(*LAPTOP)
    qtbot.waitUntil(lambda: studio.desk.capture is not None, timeout=10000)
    _settle(qtbot)
    panel, order = studio.desk_panel, studio.order_panel
    watched = {
        **{d.objectName(): d for d in window.findChildren(QDockWidget)},
        "takes list": studio.takes_view, "waveform": studio.waveform,
        "live view": panel.live_view, "meter": panel.meter, "record": panel.record_button,
        "calibrate": panel.calibrate_button, "script": panel.script_panel,
        "play": studio.transport.play_button, "voice list": studio.voices_panel.view,
        "order table": order.table, "convert": order.submit,
    }
    before = geometry_of(watched, window)
    moved: dict[str, list[str]] = {}

    def check(step: str) -> None:
        _settle(qtbot)
        now = geometry_of(watched, window)
        moved[step] = [f"{k}: {before[k]} -> {now[k]}" for k in before if now[k] != before[k]]

    studio.takes_view.setCurrentIndex(studio.takes_proxy.index(0, 0))
    qtbot.waitUntil(studio.waveform.has_waveform, timeout=10000)
    check("a take picked")
    window.activateWindow()
    qtbot.keyClick(studio.takes_view, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: studio.desk.recording, timeout=5000)
    t = np.arange(int(1.5 * RATE_HZ)) / RATE_HZ
    mic.play(0.3 * np.sin(2 * np.pi * 220.0 * t), RATE_HZ).wait(timeout=10)
    check("recording")
    qtbot.keyClick(studio.takes_view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.last_verdict is not None, timeout=10000)
    check("the take checked")
    if panel.upload_anyway.isVisible():  # a tone is no speech: the check holds it back
        check("the take held back")
        panel.upload_anyway.click()  # as the artist sending it all the same
    qtbot.waitUntil(lambda: studio.takes.rowCount() == 2, timeout=20000)
    assert studio.upload_panel.rows  # its upload row is still shown
    check("the take uploaded")
    qtbot.waitUntil(lambda: order.cost is not None, timeout=10000)
    check("the order priced")
    original = studio.takes.takes()[0]
    studio.takes_view.setCurrentIndex(studio.takes_proxy.mapFromSource(
        studio.takes.index_of(original.id)))
    order.submit.click()
    qtbot.waitUntil(lambda: len(studio.takes.conversions_of(original.id)) == 2, timeout=20000)
    check("the order started")
    mic.stop_players()
    assert {step: m for step, m in moved.items() if m} == {}


def test_progress_text_stays_inside_its_cell(qtbot: QtBot) -> None:
    model = TakesModel()
    view = TakesView()
    qtbot.addWidget(view)
    view.setModel(model)
    stage = "resynthesising the envelope of chunk 12 of 48 with the voice's formant warp"
    model.set_takes([TakeInfo(id="t1", label="Line 1", state="processing",
                              process_stage=stage, progress=0.42)])
    index = model.index(0, COL_STATE)
    assert "42%" in index.data() and len(index.data()) > 40
    cell = QRect(40, 10, 150, 24)
    image = QImage(230, 44, QImage.Format.Format_ARGB32)
    image.fill(QColor(255, 0, 255))  # a colour no style paints
    painter = QPainter(image)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = cell
    option.widget = view
    ProgressDelegate(view).paint(painter, option, index)
    painter.end()
    painted_outside = [(x, y) for x in range(image.width()) for y in range(image.height())
                       if not cell.contains(x, y) and image.pixelColor(x, y) != QColor(255, 0, 255)]
    assert painted_outside == []


def test_status_lines_keep_their_height_and_say_everything_in_the_tooltip(qtbot: QtBot) -> None:
    line = StatusLine("Recording…", lines=2)
    qtbot.addWidget(line)
    line.resize(180, line.sizeHint().height())
    height = line.sizeHint().height()
    long = ("Not usable: clipping in 240 samples; noise floor -38 dBFS is above -50 dBFS; "
            "1.9 s of silence at the start")
    line.setText(long)
    assert line.sizeHint().height() == height and line.text() == long
    assert not line.fits() and line.toolTip() == long
    shown = QLabel.text(line)  # what it paints
    assert shown.count("\n") == 1 and shown.endswith("…")
    assert all(line.fontMetrics().horizontalAdvance(part) <= 180 for part in shown.split("\n"))
    line.setText("Good take")
    assert line.fits() and line.toolTip() == ""


# -- the empty takes list -------------------------------------------------------------------------
def _says(w: Studio) -> str:
    state = w.takes_view.empty_state
    assert state.isVisible(), "the takes list shows no empty state"
    return state.text()


def test_connecting_is_said_only_while_connecting(qtbot: QtBot, tmp_path: Path) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    w = inline_window(tmp_path, nobody, "vbk_none")
    qtbot.addWidget(w.window)
    try:
        w.window.show()
        assert "Connecting" in _says(w) and "project" not in _says(w).lower()
        assert w.project_picker.placeholderText() == "Connecting…"
        w.context.connection.start()  # nothing answers: the attempt fails
        qtbot.waitUntil(w.banner.isVisible, timeout=10000)
        assert "not answered" in _says(w) and "No project" not in _says(w)
        assert "Connecting" not in _says(w)
    finally:
        w.window.close()
        w.context.connection.stop()


def test_no_project_is_said_once_the_service_has_none_with_a_button_to_make_one(
        qtbot: QtBot, tmp_path: Path, live_server: LiveServer) -> None:
    with running_window(qtbot, tmp_path, live_server) as w:
        _no_project_then_one(w, qtbot)


def _no_project_then_one(w: Studio, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: w.projects.rowCount() > 0 and w.browser.folder_id != "",
                    timeout=10000)  # the first start's project (or an earlier test's) is open
    state = w.takes_view.empty_state
    assert not (state.isVisible() and "No project" in state.text())
    for project in [w.projects.project_at(r) for r in range(w.projects.rowCount())]:
        assert project is not None
        w.browser.delete_project(project.id)  # as File > Delete project does, confirmed
    qtbot.waitUntil(lambda: w.projects.rowCount() == 0, timeout=10000)
    assert _says(w).startswith("No project yet")
    assert "Connecting" not in _says(w)
    button = w.takes_view.empty_state.button
    assert button.isVisible() and button.text().startswith("New project")

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QInputDialog):
            dialog.setTextValue("Radio play")
            dialog.accept()
        else:
            QTimer.singleShot(20, answer)

    QTimer.singleShot(20, answer)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.project_picker.currentText() == "Radio play", timeout=10000)
    qtbot.waitUntil(lambda: "has no folder yet" in _says(w), timeout=10000)  # its folders read
    assert w.takes_view.empty_state.button.text().startswith("New folder")
