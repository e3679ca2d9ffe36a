"""The studio window against a real service: what a user sees after each thing they do."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from tests.studio.helpers import inline_window, running_window, wait_until
from tests.support.server import LiveServer
from voxbooth.studio.assembly import Studio
from voxbooth.studio.dialogs.shortcuts import ShortcutsDialog
from voxbooth.studio.models.roles import ID_ROLE, TAKE_IDS_MIME
from voxbooth.studio.models.takes import COL_NOTE, COL_STAR
from voxbooth.studio.service.backend import StudioBackend


@pytest.fixture
def window(qtbot, tmp_path: Path, live_server: LiveServer) -> Iterator[Studio]:
    with running_window(qtbot, tmp_path, live_server) as w:
        yield w


def _project_with_folder(w: Studio, project: str, folder: str = "Takes") -> str:
    w.browser.create_project(project)
    wait_until(lambda: w.project_picker.currentText() == project)
    w.browser.create_folder(folder)
    wait_until(lambda: w.folder_view.currentIndex().data() == folder)
    return w.browser.folder_id


def _drop_files(widget, paths: list[Path]) -> bool:
    """A real drop: drag-enter then drop events carrying file URLs, as a desktop sends them."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(widget.rect().center())
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


def test_new_project_and_folder_are_listed_and_selected(window: Studio) -> None:
    folder_id = _project_with_folder(window, "Audiobook", "Chapter 1")
    window.browser.create_folder("Scene 2", parent_id=folder_id)
    wait_until(lambda: window.folders.index_of(window.browser.folder_id).data() == "Scene 2")
    child = window.folders.index_of(window.browser.folder_id)
    assert child.data() == "Scene 2" and child.parent().data() == "Chapter 1"
    assert not window.banner.isVisible()


def test_dropped_file_is_uploaded_listed_and_drawn(window: Studio, speech_path: Path) -> None:
    _project_with_folder(window, "Drops")
    assert _drop_files(window.takes_view.viewport(), [speech_path])
    wait_until(lambda: window.takes_proxy.rowCount() == 1)
    assert window.upload_panel.isVisible()  # the finished row lingers with "done"
    row = window.takes_proxy.index(0, 0)
    assert row.data() == "arctic_a0007"
    assert window.takes_proxy.index(0, 2).data() == "0:04.0"
    window.takes_view.setCurrentIndex(row)
    wait_until(window.waveform.has_waveform)
    assert window.waveform.duration_s == pytest.approx(4.0, abs=0.05)


def test_unfit_files_are_refused_with_the_reason(window: Studio, tmp_path: Path) -> None:
    _project_with_folder(window, "Refusals")
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("this is not audio")
    too_big = tmp_path / "huge.wav"
    with too_big.open("wb") as f:
        f.truncate(51 * 1024 * 1024)  # sparse: costs no disk
    messages: list[str] = []
    window.outbox.refused.connect(messages.append)
    _drop_files(window.takes_view.viewport(), [not_audio, too_big])
    wait_until(lambda: bool(messages))
    assert window.takes.rowCount() == 0 and not window.upload_panel.rows
    assert "notes.wav" in messages[0] and "not audio" in messages[0]
    assert "huge.wav" in messages[0] and "50 MB" in messages[0]


def test_rename_star_and_note_are_stored_on_the_service(window: Studio,
                                                        speech_path: Path) -> None:
    _project_with_folder(window, "Edits")
    window.outbox.add([speech_path], window.browser.folder_id)
    wait_until(lambda: len(window.takes.takes()) == 1)
    take_id = window.takes.takes()[0].id
    window.browser.rename_take(take_id, "Line 1, take 2")
    window.browser.toggle_star([take_id])
    window.browser.set_note(take_id, "breath at 2 s")
    wait_until(lambda: window.takes.index_of(take_id).siblingAtColumn(COL_NOTE).data()
               == "breath at 2 s")
    window.browser.reload_takes()  # what the service has, not what the window remembers
    wait_until(lambda: not window.takes.loading)

    def stored() -> None:
        index = window.takes.index_of(take_id)
        assert index.data() == "Line 1, take 2"
        assert index.siblingAtColumn(COL_STAR).data() == "★"
        assert index.siblingAtColumn(COL_NOTE).data() == "breath at 2 s"

    wait_until(stored)


def test_delete_can_be_undone_and_otherwise_happens(qtbot, window: Studio,
                                                    speech_path: Path) -> None:
    _project_with_folder(window, "Deletes")
    window.outbox.add([speech_path], window.browser.folder_id)
    wait_until(lambda: len(window.takes.takes()) == 1)
    take_id = window.takes.takes()[0].id
    window.takes_view.setCurrentIndex(window.takes_proxy.index(0, 0))
    window.actions_by_key["delete_take"].trigger()
    assert window.takes.rowCount() == 0
    window.actions_by_key["undo_delete"].trigger()
    assert window.takes.take(take_id) is not None
    window.browser.delete_takes([take_id])
    window.browser.commit_deletes()
    qtbot.wait(500)  # the delete reaches the service; then the list is read again
    window.browser.reload_takes()
    wait_until(lambda: window.takes.rowCount() == 0 and not window.takes.loading)
    qtbot.wait(200)
    assert window.takes.rowCount() == 0


def test_takes_dropped_on_another_folder_move_there(qtbot, window: Studio,
                                                    speech_path: Path) -> None:
    first = _project_with_folder(window, "Moves", "Inbox")
    window.browser.create_folder("Keepers")
    wait_until(lambda: window.browser.folder_id != first)  # made, and open
    keepers = window.browser.folder_id
    with qtbot.waitSignal(window.takes.populated, timeout=10000):  # its (empty) list
        window.folder_view.setCurrentIndex(window.folders.index_of(first))
    window.outbox.add([speech_path], first)
    wait_until(lambda: len(window.takes.takes()) == 1)
    take_id = window.takes.takes()[0].id
    mime = QMimeData()
    mime.setData(TAKE_IDS_MIME, take_id.encode())
    window.folders.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1,
                                window.folders.index_of(keepers))
    wait_until(lambda: window.takes.rowCount() == 0)
    window.folder_view.setCurrentIndex(window.folders.index_of(keepers))
    wait_until(lambda: [t.id for t in window.takes.takes()] == [take_id])


def test_last_project_and_folder_come_back_after_a_restart(qtbot, window: Studio,
                                                           tmp_path: Path,
                                                           live_server: LiveServer) -> None:
    folder_id = _project_with_folder(window, "Remembered", "Last one")
    window.window.close()
    again = inline_window(tmp_path, live_server.url, live_server.api_key)
    qtbot.addWidget(again.window)
    again.window.show()
    again.context.connection.start()
    wait_until(lambda: again.browser.folder_id == folder_id)
    assert again.project_picker.currentText() == "Remembered"
    again.context.connection.stop()


def test_shortcut_list_under_help_names_the_transport_keys(qtbot) -> None:
    dialog = ShortcutsDialog()
    qtbot.addWidget(dialog)
    rows = {dialog.table.item(r, 1).text(): dialog.table.item(r, 2).text()
            for r in range(dialog.table.rowCount())}
    assert rows["Play / stop"] == "Space"
    assert rows["Delete take"] in ("Del", "Delete")


@pytest.mark.slow
def test_unreachable_service_shows_a_banner_and_keeps_changes(qtbot, tmp_path: Path,
                                                              speech_path: Path) -> None:
    server = LiveServer(data_dir=tmp_path / "svc").start()
    w = inline_window(tmp_path / "studio", server.url, server.api_key)
    qtbot.addWidget(w.window)
    try:
        w.window.show()
        w.context.connection.start()
        _project_with_folder(w, "Outage")
        w.outbox.add([speech_path], w.browser.folder_id)
        wait_until(lambda: len(w.takes.takes()) == 1)
        take_id = w.takes.takes()[0].id
        server.kill()
        w.browser.rename_take(take_id, "renamed while down")
        wait_until(lambda: w.banner.isVisible()
                   and "unreachable" in w.banner.label.text().lower())
        assert w.requests.pending_count == 1
        server.start()  # same port, same data: the service comes back
        w.context.connection.check_now()
        wait_until(lambda: not w.banner.isVisible() and w.requests.pending_count == 0)
        wait_until(lambda: w.takes.index_of(take_id).data() == "renamed while down")
    finally:
        w.context.connection.stop()
        server.stop()
        shutil.rmtree(tmp_path / "svc", ignore_errors=True)


def test_take_ids_in_the_takes_view_match_the_model(window: Studio, speech_path: Path) -> None:
    _project_with_folder(window, "Selection")
    window.outbox.add([speech_path, speech_path], window.browser.folder_id)
    wait_until(lambda: window.takes_proxy.rowCount() == 2)
    window.takes_view.selectAll()
    ids = set(window.takes_view.selected_ids())
    assert ids == {window.takes_proxy.index(r, 0).data(ID_ROLE) for r in range(2)}


def test_project_export_is_a_zip_with_its_manifest(window: Studio, speech_path: Path,
                                                   tmp_path: Path) -> None:
    import zipfile

    _project_with_folder(window, "Export me")
    window.outbox.add([speech_path], window.browser.folder_id)
    wait_until(lambda: window.takes.rowCount() == 1)
    saved: list[Path] = []
    window.requests.call(StudioBackend.export_project, window.browser.project_id,
                         tmp_path / "book.zip", on_result=saved.append)
    wait_until(lambda: bool(saved))  # the export finished
    with zipfile.ZipFile(saved[0]) as archive:
        names = archive.namelist()
    assert any(n.endswith("manifest.json") for n in names)
    assert any(n.endswith((".wav", ".flac")) for n in names)


def test_stats_view_draws_a_bar_per_month_and_voice(qtbot, window: Studio) -> None:
    import pyqtgraph as pg

    from voxbooth.studio.dialogs.stats import StatsDialog

    def bars(plot: pg.PlotWidget) -> tuple[list[float], list[str]]:
        (item,) = [i for i in plot.getPlotItem().items if isinstance(i, pg.BarGraphItem)]
        ticks = plot.getAxis("bottom")._tickLevels[0]
        return [float(h) for h in item.opts["height"]], [label for _x, label in ticks]

    # the seed's shape for GET /api/stats, as a server with some history answers it
    stats = {"time_converted": {"total": 1500, "current_month": 300, "previous_monthes": [
                 {"month": "2026-10-01", "duration": 900}, {"month": "2026-09-01",
                                                            "duration": 300}]},
             "conversions": {"total": 9, "completed": 7, "in_progress": 1, "failed": 1},
             "models": [{"id": "a", "name": "Elena", "conversions_count": 2, "converted_time": 60},
                        {"id": "b", "name": "Marcus", "conversions_count": 7,
                         "converted_time": 1440}]}
    dialog = StatsDialog(stats, {"credits": 41}, window.window)
    qtbot.addWidget(dialog)
    assert dialog.summary.text() == ("Converted 25.0 min in 9 conversions: 7 done, 1 running, "
                                     "1 failed.")
    assert dialog.credits.text() == "Credits: 41"
    assert bars(dialog.months) == ([5.0, 15.0, 5.0], ["2026-09", "2026-10", "this month"])
    assert bars(dialog.voices) == ([7.0, 2.0], ["Marcus", "Elena"])  # most used first
    # and what the embedded service says of an account with nothing converted yet
    backend = window.requests.backend
    assert backend is not None
    empty = StatsDialog(backend.stats(), backend.credits(), window.window)
    qtbot.addWidget(empty)
    assert empty.summary.text().startswith("Converted 0.0 min in 0 conversions")
    assert bars(empty.voices) == ([0.0], ["none"])


def test_a_first_start_has_a_folder_ready_for_drops(qtbot, tmp_path: Path) -> None:
    server = LiveServer(data_dir=tmp_path / "fresh").start()  # no project yet
    w = inline_window(tmp_path / "studio", server.url, server.api_key)
    qtbot.addWidget(w.window)
    try:
        w.window.show()
        w.context.connection.start()
        wait_until(lambda: w.project_picker.currentText() == "My project")
        wait_until(lambda: w.folder_view.currentIndex().data() == "Takes")
        assert w.browser.folder_id
    finally:
        w.context.connection.stop()
        server.stop()


def test_space_in_the_takes_list_plays_and_stops(qtbot, window: Studio) -> None:
    triggered: list[bool] = []
    window.actions_by_key["play_stop"].triggered.connect(lambda: triggered.append(True))
    window.window.activateWindow()
    window.takes_view.setFocus()
    qtbot.keyClick(window.takes_view, Qt.Key.Key_Space)
    assert triggered == [True]


def test_the_service_coming_back_keeps_the_picked_takes(window: Studio, speech_path: Path,
                                                        qtbot) -> None:
    """After a restart of the service the takes are read again; the artist's pick stays."""
    _project_with_folder(window, "Kept pick")
    window.outbox.add([speech_path, speech_path], window.browser.folder_id)
    wait_until(lambda: window.takes_proxy.rowCount() == 2)
    second = window.takes_proxy.index(1, 0)
    window.takes_view.setCurrentIndex(second)
    picked = window.takes_view.selected_ids()
    assert len(picked) == 1
    loaded: list[bool] = []
    window.takes.populated.connect(lambda: loaded.append(True))
    window.context.connection.restored.emit()  # what a restarted service says
    # the list is read anew (a model reset, which forgets the selection)...
    wait_until(lambda: bool(loaded))
    assert window.takes_view.selected_ids() == picked  # ...and the pick was given back
    assert window.takes_view.current_id() == picked[0]
