"""Script mode at the desk, in the real window against a real service: the current line large
between its neighbours, N and P walk the lines, each line's takes are listed with duration and
verdict, the best one is starred on the service (the one before unstarred), and the script, its
line and its takes come back after a restart."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QTextDocument
from pytestqt.qtbot import QtBot

from tests.studio.helpers import inline_window, open_new_folder
from tests.support.pulse import VirtualMic
from tests.support.server import LiveServer
from voxbooth.studio.assembly import Studio
from voxbooth.studio.desk.script_panel import ScriptPanel
from voxbooth.studio.dialogs.shortcuts import ShortcutsDialog

LINES = ("When the sunlight strikes raindrops in the air.", "They act as a prism.",
         "And form a rainbow.")



@pytest.fixture(autouse=True)
def _takes_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOXBOOTH_TAKES_DIR", str(tmp_path / "takes"))


def open_window(qtbot: QtBot, folder: Path, server: LiveServer) -> Studio:
    """The studio as the artist starts it (same settings and takes folder each time)."""
    w = inline_window(folder, server.url, server.api_key)
    qtbot.addWidget(w.window)
    w.window.show()
    w.window.activateWindow()
    # window-wide keys reach an active window
    qtbot.waitUntil(w.window.isActiveWindow, timeout=5000)
    w.context.connection.start()
    return w


def close(w: Studio) -> None:
    w.window.close()
    w.context.connection.stop()


def line_read(script: ScriptPanel) -> str:
    """The current line as the artist reads it (its words marked once a take is proofed)."""
    label = script.line_label
    if label.textFormat() != Qt.TextFormat.RichText:
        return label.text()
    document = QTextDocument()
    document.setHtml(label.text())
    return document.toPlainText()


def shown(script: ScriptPanel) -> tuple[str, str, str]:
    return (script.previous_line_label.text(), line_read(script),
            script.next_line_label.text())


def listed(script: ScriptPanel) -> list[str]:
    return [script.takes.index(row, 0).data() for row in range(script.takes.rowCount())]


def test_n_and_p_walk_the_script_and_a_restart_keeps_the_line(
        qtbot: QtBot, tmp_path: Path, live_server: LiveServer) -> None:
    w = open_window(qtbot, tmp_path, live_server)
    script = w.desk_panel.script_panel
    script.set_text("\n".join(LINES))
    assert shown(script) == ("", LINES[0], LINES[1])
    assert script.position_label.text().startswith("line 1 of 3")
    qtbot.keyClick(w.takes_view, Qt.Key.Key_N)  # wherever the focus is in the window
    assert shown(script) == (LINES[0], LINES[1], LINES[2])
    qtbot.keyClick(w.takes_view, Qt.Key.Key_N)
    qtbot.keyClick(w.takes_view, Qt.Key.Key_N)  # past the last line: stays there
    assert shown(script) == (LINES[1], LINES[2], "")
    qtbot.keyClick(w.takes_view, Qt.Key.Key_P)
    assert script.position_label.text().startswith("line 2 of 3")
    search = w.voices_panel.search
    qtbot.keyClicks(search, "np")  # typing in a text box types: the line stays
    assert search.text() == "np" and script.line_label.text() == LINES[1]
    dialog = ShortcutsDialog(w.window)  # Help > Keyboard shortcuts lists the desk's keys too
    qtbot.addWidget(dialog)
    rows = {dialog.table.item(r, 1).text(): dialog.table.item(r, 2).text()
            for r in range(dialog.table.rowCount())}
    assert (rows["Next line"], rows["Previous line"], rows["Record"]) == ("N", "P", "R")
    keys = [a.shortcut().toString() for a in w.window.findChildren(QAction)
            if not a.shortcut().isEmpty()]
    assert len(keys) == len(set(keys)), "a key bound to two commands does neither"
    close(w)

    again = open_window(qtbot, tmp_path, live_server)
    restored = again.desk_panel.script_panel
    assert shown(restored) == (LINES[0], LINES[1], LINES[2])
    assert restored.position_label.text().startswith("line 2 of 3")
    close(again)


def _folder(w: Studio, qtbot: QtBot, name: str) -> str:
    return open_new_folder(w, qtbot, f"Script {name}", name)


def _record(w: Studio, qtbot: QtBot, mic: VirtualMic, speech: np.ndarray, rate: int,
            during: object = None) -> float:
    """One take of the speech: R, the speech into the microphone, Space.

    Returns the seconds from R to Space: how long the artist held the take (the player's
    start-up on a busy machine adds to it, so the speech's length alone does not say it). The
    clock runs from the take running to before Space."""
    flow = w
    qtbot.keyClick(w.takes_view, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: flow.desk.recording, timeout=10000)
    started = time.monotonic()
    player = mic.play(np.concatenate([np.zeros(rate // 4, dtype="float32"), speech]), rate)
    if callable(during):
        during()
    player.wait(timeout=20)
    qtbot.wait(400)
    held = time.monotonic() - started
    qtbot.keyClick(w.takes_view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: flow.desk.recorder is None, timeout=5000)
    return held


def test_several_takes_per_line_and_the_best_one_starred(
        qtbot: QtBot, tmp_path: Path, live_server: LiveServer, mic: VirtualMic,
        speech_path: Path) -> None:
    w = open_window(qtbot, tmp_path, live_server)
    qtbot.waitUntil(lambda: w.desk.capture is not None, timeout=10000)
    _folder(w, qtbot, "Rainbow")
    script = w.desk_panel.script_panel
    script.set_text("\n".join(LINES))
    speech, rate = sf.read(speech_path, dtype="float32")
    held = [_record(w, qtbot, mic, speech, rate)]
    qtbot.waitUntil(lambda: w.takes.rowCount() == 1, timeout=20000)
    # the artist reads on to the next line while the second take runs: it stays line 1's
    held.append(_record(w, qtbot, mic, speech, rate,
                        during=lambda: qtbot.keyClick(w.takes_view, Qt.Key.Key_N)))
    qtbot.waitUntil(lambda: w.takes.rowCount() == 2, timeout=20000)
    mic.stop_players()
    assert script.line_label.text() == LINES[1] and listed(script) == []
    qtbot.keyClick(w.takes_view, Qt.Key.Key_P)
    rows = listed(script)
    assert [r.split(" · ")[0] for r in rows] == ["L01 take 1", "L01 take 2"]
    for row, seconds_held in zip(rows, held, strict=True):  # duration and verdict, to compare
        # before picking; then, once transcribed, the words to check (not the line's speech)
        _label, seconds, verdict = row.split(" · ")[:3]
        assert seconds_held > len(speech) / rate
        assert float(seconds.removesuffix(" s")) == pytest.approx(seconds_held, abs=0.25)
        assert verdict in ("good", "usable, with warnings"), row
    assert "2 take(s)" in script.position_label.text()
    by_label = {t.label.split(":")[0]: t.id for t in w.takes.takes()}

    def starred() -> dict[str, bool]:
        return {t.label.split(":")[0]: t.starred for t in w.takes.takes()}

    script.takes_view.setCurrentIndex(script.takes.index(0, 0))
    script.star_button.click()  # the first take is the best so far
    qtbot.waitUntil(lambda: starred() == {"L01 take 1": True, "L01 take 2": False},
                    timeout=10000)
    assert listed(script)[0].startswith("★ L01 take 1")
    second = script.takes_view.visualRect(script.takes.index(1, 0)).center()
    assert not second.isNull()  # the list shows it
    # a double click is a click, then the second press (Qt's test double click is only that)
    qtbot.mouseClick(script.takes_view.viewport(), Qt.MouseButton.LeftButton, pos=second)
    qtbot.mouseDClick(script.takes_view.viewport(), Qt.MouseButton.LeftButton, pos=second)
    qtbot.waitUntil(lambda: starred() == {"L01 take 1": False, "L01 take 2": True},
                    timeout=10000)
    assert listed(script)[1].startswith("★ L01 take 2") and not listed(script)[0].startswith("★")
    assert "best: take 2" in script.position_label.text()
    backend = w.requests.backend
    assert backend is not None
    assert not backend.get_take(by_label["L01 take 1"]).starred
    assert backend.get_take(by_label["L01 take 2"]).starred
    close(w)

    again = open_window(qtbot, tmp_path, live_server)
    restored = again.desk_panel.script_panel
    assert line_read(restored) == LINES[0]
    assert [r.split(" · ")[0] for r in listed(restored)] == ["L01 take 1", "★ L01 take 2"]
    # connected again (a project open), then changing one's mind still reaches the service
    qtbot.waitUntil(lambda: again.requests.backend is not None
                    and bool(again.project_picker.currentText()), timeout=30000)
    restored.takes_view.setCurrentIndex(restored.takes.index(0, 0))
    restored.star_button.click()
    backend = again.requests.backend
    assert backend is not None
    qtbot.waitUntil(lambda: backend.get_take(by_label["L01 take 1"]).starred, timeout=10000)
    assert not backend.get_take(by_label["L01 take 2"]).starred
    close(again)
