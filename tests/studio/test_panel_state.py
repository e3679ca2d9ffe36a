"""The voice and order panels say what is selected, against a real service: the detail and the
order's rows follow the highlighted voices (clicks, Ctrl-clicks, a filter, a reload); the order
panel follows the highlighted takes with what each has already made; Convert is off while its
order is on the way and a double click orders once; an order that failed half-way, sent again,
makes nothing twice. Files: AIFF is offered and taken by drag and drop, by the formats the
service names; a voice sample too short or too long is named before anything is sent.

The service runs without job workers: conversions stay `new`, nothing is converted (these tests
are about what is ordered, not how it sounds), so the machine stays free for the rest of CI.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from tests.studio.helpers import open_new_folder, running_window
from tests.support.server import LiveServer
from voxbooth.studio.assembly import Studio
from voxbooth.studio.entities import VoiceInfo
from voxbooth.studio.orders.panel import COL_SEMITONES, COL_VOICE
from voxbooth.studio.service.backend import StudioBackend
from voxbooth.studio.service.voices import SamplesRefused, create_private_voice
from voxbooth.studio.uploadcheck import say_duration

LEFT, CTRL, NONE = (Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                    Qt.KeyboardModifier.NoModifier)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """This module's service, without job workers (orders are kept, never converted)."""
    server = LiveServer(data_dir=tmp_path_factory.mktemp("service") / "data",
                        serve_args=["--no-workers"]).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, live_server: LiveServer,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[Studio]:
    monkeypatch.setenv("VOXBOOTH_TAKES_DIR", str(tmp_path / "takes"))
    with running_window(qtbot, tmp_path, live_server) as w:
        qtbot.waitUntil(lambda: w.voices.rowCount() > 0, timeout=20000)
        yield w


def backend_of(w: Studio) -> StudioBackend:
    backend = w.requests.backend
    assert backend is not None
    return backend


def rows(w: Studio) -> list[str]:
    """The voices the order table shows, top to bottom."""
    table = w.order_panel.table
    labels = [table.cellWidget(r, COL_VOICE) for r in range(table.rowCount())]
    return [label.text() for label in labels if isinstance(label, QLabel)]


def click_voice(w: Studio, qtbot: QtBot, voice: VoiceInfo, ctrl: bool = False) -> None:
    panel = w.voices_panel
    index = panel.proxy.mapFromSource(w.voices.index(w.voices.row_of(voice.id), 0))
    panel.view.scrollTo(index)
    qtbot.mouseClick(panel.view.viewport(), LEFT, CTRL if ctrl else NONE,
                     panel.view.visualRect(index).center())


def click_take(w: Studio, qtbot: QtBot, take_id: str, ctrl: bool = False) -> None:
    view = w.takes_view
    index = w.takes_proxy.mapFromSource(w.takes.index_of(take_id))
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), LEFT, CTRL if ctrl else NONE,
                     view.visualRect(index).center())


def double_click(qtbot: QtBot, widget: QWidget) -> None:
    """What a mouse sends for a double click: a click, then a double-click press, a release."""
    centre = QPoint(widget.width() // 2, widget.height() // 2)
    qtbot.mouseClick(widget, LEFT, NONE, centre)
    qtbot.mouseDClick(widget, LEFT, NONE, centre)
    qtbot.mouseRelease(widget, LEFT, NONE, centre)


def two_takes(w: Studio, qtbot: QtBot, speech_path: Path, name: str) -> list[str]:
    folder_id = open_new_folder(w, qtbot, name, "Scene 1")
    backend = backend_of(w)
    ids = [backend.upload(speech_path, folder_id, label=label).id for label in ("one", "two")]
    w.browser.reload_takes()
    qtbot.waitUntil(lambda: w.takes.rowCount() == 2, timeout=10000)
    return ids


def test_detail_and_order_rows_follow_the_highlighted_voices(window: Studio,
                                                             qtbot: QtBot) -> None:
    w, panel = window, window.voices_panel
    a, b = sorted(w.voices.voices(), key=lambda v: v.name.casefold())[:2]
    click_voice(w, qtbot, a)
    click_voice(w, qtbot, b, ctrl=True)
    assert rows(w) == [a.name, b.name]
    assert panel.detail.voice == b  # the one clicked last
    click_voice(w, qtbot, b, ctrl=True)  # Ctrl-click again: b is no longer highlighted
    assert rows(w) == [a.name]
    assert panel.detail.voice == a and panel.detail.name_label.text() == a.name
    # the artist's choices on a row stay while the other rows come and go
    semitones = w.order_panel.table.cellWidget(0, COL_SEMITONES)
    semitones.setValue(2.5)
    click_voice(w, qtbot, b, ctrl=True)
    assert rows(w) == [a.name, b.name]
    assert w.order_panel.table.cellWidget(0, COL_SEMITONES).value() == 2.5
    # a filter that hides b takes it out of the order (what is not shown is not ordered)
    panel.search.setText(a.name)
    assert rows(w) == [a.name] and panel.detail.voice == a
    panel.search.clear()
    click_voice(w, qtbot, b, ctrl=True)
    # reading the library again keeps what is highlighted, and the detail's voice
    w.voices_controller.reload()
    assert rows(w) == [a.name, b.name]
    assert [v.id for v in panel.selected_voices()] == [a.id, b.id]
    assert panel.detail.voice is not None and panel.detail.voice.id == b.id
    panel.view.clearSelection()
    assert rows(w) == [] and panel.detail.voice is None
    assert panel.detail.name_label.text() == "Pick a voice"
    assert not w.order_panel.submit.isEnabled()


def test_order_panel_mirrors_the_selected_take_and_a_double_click_orders_once(
        window: Studio, qtbot: QtBot, speech_path: Path) -> None:
    w, panel = window, window.order_panel
    one, two = two_takes(w, qtbot, speech_path, "Mirror")
    voice = sorted(w.voices.voices(), key=lambda v: v.name.casefold())[0]
    click_take(w, qtbot, one)
    # a double click on a voice picks it (once): it orders nothing by itself
    panel_view = w.voices_panel.view
    index = w.voices_panel.proxy.mapFromSource(w.voices.index(w.voices.row_of(voice.id), 0))
    panel_view.scrollTo(index)
    centre = panel_view.visualRect(index).center()
    qtbot.mouseClick(panel_view.viewport(), LEFT, NONE, centre)
    qtbot.mouseDClick(panel_view.viewport(), LEFT, NONE, centre)
    assert rows(w) == [voice.name]
    assert backend_of(w).list_conversions(one) == []
    assert panel.originals_label.text() == "Originals: “one”"
    assert panel.made_label.isHidden()
    qtbot.waitUntil(panel.submit.isEnabled, timeout=10000)  # priced by the service
    double_click(qtbot, panel.submit)
    qtbot.waitUntil(lambda: panel.status_label.text().startswith("Ordered 1 conversion(s)"),
                    timeout=10000)
    made = backend_of(w).list_conversions(one)
    assert [c.voice_name for c in made] == [voice.name]  # one order, not two
    assert panel.made_label.text() == f"Already made: {voice.name} (new)"
    click_take(w, qtbot, two)  # another take: its own (no) conversions, nothing stale
    assert panel.originals_label.text() == "Originals: “two”"
    assert panel.made_label.isHidden() and panel.made_label.text() == ""
    click_take(w, qtbot, one)
    assert panel.made_label.text() == f"Already made: {voice.name} (new)"
    click_take(w, qtbot, two, ctrl=True)
    assert panel.originals_label.text() == "Originals: “one”, “two”"
    # another folder: its takes are not those the panel would order
    open_new_folder(w, qtbot, "Elsewhere", "Empty")
    assert panel.originals_label.text() == "Originals: select takes in the list"
    assert panel.made_label.isHidden() and not panel.submit.isEnabled()


def test_convert_is_off_while_its_order_is_on_the_way(qtbot: QtBot, tmp_path: Path,
                                                      live_server: LiveServer,
                                                      speech_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Real worker threads: the answer comes back later, as in the studio."""
    monkeypatch.setenv("VOXBOOTH_TAKES_DIR", str(tmp_path / "takes"))
    with running_window(qtbot, tmp_path, live_server, threads=True) as w:
        qtbot.waitUntil(lambda: w.voices.rowCount() > 0, timeout=20000)
        panel = w.order_panel
        one, two = two_takes(w, qtbot, speech_path, "In flight")
        a, b = sorted(w.voices.voices(), key=lambda v: v.name.casefold())[:2]
        w.voices_panel.select_voice_ids([a.id, b.id])
        click_take(w, qtbot, one)
        qtbot.waitUntil(panel.submit.isEnabled, timeout=10000)
        qtbot.mouseClick(panel.submit, LEFT)
        assert not panel.submit.isEnabled()
        assert panel.cost_label.text() == "Ordering 2 conversion(s)…"
        qtbot.mouseClick(panel.submit, LEFT)  # pressed again at once: nothing more is sent
        qtbot.keyClick(panel.submit, Qt.Key.Key_Space)
        w.orders.submit([one], [a.id, b.id])  # the same order, asked by a script
        qtbot.waitUntil(panel.submit.isEnabled, timeout=20000)  # back with the answer
        assert panel.status_label.text().startswith("Ordered 2 conversion(s)")
        assert panel.cost_label.text().startswith("2 conversion(s) · 2 credit(s)")
        backend = backend_of(w)
        assert sorted(c.voice_name for c in backend.list_conversions(one)) == \
            sorted([a.name, b.name])
        # take two is deleted elsewhere; an order of both fails half-way (one is made first)
        with live_server.client() as http:
            assert http.delete(f"/api/recordings/{two}").status_code in (200, 204)
        w.orders.submit([one, two], [a.id])
        qtbot.waitUntil(lambda: panel.status_label.text().startswith("Not ordered: "),
                        timeout=20000)
        assert "not found" in panel.status_label.text().casefold()
        assert len(backend.list_conversions(one)) == 3
        # the artist tries the very same order again: what was made is not made twice
        w.orders.submit([one, two], [a.id])
        qtbot.waitUntil(lambda: not panel.placing, timeout=20000)
        assert panel.status_label.text().startswith("Not ordered: ")
        assert len(backend.list_conversions(one)) == 3


def test_aiff_is_offered_and_dropped_takes_upload(window: Studio, qtbot: QtBot, tmp_path: Path,
                                                  speech_path: Path, live_server: LiveServer,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    w = window
    with live_server.client() as http:
        formats = http.get("/api/limits").json()["audio"]["formats"]
    assert "aiff" in formats  # the service says it takes AIFF, and the studio offers it
    assert "AIFF" in w.empty_list.drop_hint()  # what an empty folder's list says
    speech, rate = sf.read(str(speech_path), dtype="float32")
    session = tmp_path / "session"
    session.mkdir()
    sf.write(session / "line 1.aiff", speech, rate, format="AIFF", subtype="PCM_24")
    sf.write(session / "line 2.aif", speech, rate, format="AIFF", subtype="FLOAT")
    (session / "notes.txt").write_text("not audio")
    sf.write(tmp_path / "line 3.aif", speech, rate, format="AIFF")
    open_new_folder(w, qtbot, "Mac session", "Day 1")
    refused: list[str] = []
    w.outbox.refused.connect(refused.append)
    assert drop_files(w.takes_view.viewport(), [session])  # a folder from the Finder
    qtbot.waitUntil(lambda: w.takes.rowCount() == 2, timeout=20000)
    assert sorted(t.label for t in w.takes.takes()) == ["line 1", "line 2"]
    assert refused == []  # the text file is not among the audio a folder holds
    # File > Add audio files: the OS's file chooser (not drivable here) is handed the filter
    offered: list[str] = []

    def choose(_parent: object, _title: str, _folder: str, name_filter: str
               ) -> tuple[list[str], str]:
        offered.append(name_filter)
        return [str(tmp_path / "line 3.aif")], name_filter

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", choose)
    w.actions_by_key["import_files"].trigger()
    assert offered[0].startswith("Audio (") and "*.aif " in offered[0] \
        and "*.aiff " in offered[0]
    qtbot.waitUntil(lambda: w.takes.rowCount() == 3, timeout=20000)
    with live_server.client() as http:
        kept = [http.get(f"/api/recordings/{t.id}").json() for t in w.takes.takes()]
    assert [k["format"] for k in kept] == ["aiff", "aiff", "aiff"]
    assert all(k["duration"] == pytest.approx(len(speech) / rate, abs=1e-3) for k in kept)


def drop_files(widget: QWidget, paths: list[Path]) -> bool:
    """A real drop: drag-enter then drop events carrying file URLs, as a desktop sends them."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(widget.rect().center())
    QApplication.sendEvent(widget, QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction,
                                                   mime, LEFT, NONE))
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, mime, LEFT, NONE)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


def test_a_voice_sample_of_the_wrong_length_is_named_before_anything_is_sent(
        window: Studio, qtbot: QtBot, tmp_path: Path, speech_path: Path,
        live_server: LiveServer) -> None:
    w = window
    with live_server.client() as http:
        limits = http.get("/api/limits").json()["voice_sample"]
        before = http.get("/api/v2/private-voices").json()
    low, high = limits["min_duration_s"], limits["max_duration_s"]
    span = f"{say_duration(low)} to {say_duration(high)}"  # the service's numbers, as said
    long_sample = tmp_path / "whole chapter.wav"
    sf.write(long_sample, np.zeros(int((high + 5) * 8000), dtype="int16"), 8000)
    dialog = w.openers.open_new_voice()
    assert span in dialog.note.text()
    dialog.name.setText("Too short")
    dialog.add_paths([str(speech_path), str(long_sample)])

    def items() -> list[str]:
        return [dialog.files.item(i).text() for i in range(dialog.files.count())]

    qtbot.waitUntil(lambda: not any("checking" in i for i in items()), timeout=10000)
    seconds = sf.info(str(speech_path)).duration
    assert items() == [f"✗ {speech_path.name} is {say_duration(seconds)} long, too short: "
                     f"voice samples need {span}",
                     f"✗ whole chapter.wav is {say_duration(high + 5)} long, too long: "
                     f"voice samples need {span}"]
    assert "too short" in dialog.note.text() and "too long" in dialog.note.text()
    dialog.submit()
    assert dialog.note.text().startswith("Not sent: ") and dialog.isVisible()
    assert dialog.buttons.isEnabled()
    # what the dialog checked, the call that sends checks too, before sending anything
    with pytest.raises(SamplesRefused, match="too short"):
        create_private_voice(backend_of(w), "Too short", [speech_path])
    with live_server.client() as http:
        assert http.get("/api/v2/private-voices").json() == before  # nothing was made
    dialog.files.selectAll()
    dialog.remove_files.click()
    assert dialog.note.text() == dialog.rule_text()
    dialog.reject()
