"""Studio features against a real service, checked as a user sees them: drops onto the folder
tree and of whole folders, a cancelled upload, exporting one take, layout and selection after a
restart, logging in with e-mail and password, and looping a region."""

from __future__ import annotations

import json
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import (
    QMimeData,
    QPoint,
    QPointF,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    QUrl,
)
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget
from pytestqt.qtbot import QtBot

from tests.studio.helpers import (
    InlineThreadPool,
    inline_window,
    open_new_folder,
    remote_settings,
    running_window,
)
from tests.support.leftovers import temporaries
from tests.support.server import LiveServer
from voxbooth.audio.playback import Player
from voxbooth.studio.assembly import Studio, assemble
from voxbooth.studio.context import StudioContext
from voxbooth.studio.dialogs.settings import SettingsDialog
from voxbooth.studio.service.connection import ServiceConnection
from voxbooth.studio.service.workers import TaskRunner
from voxbooth.studio.settings import load_api_key


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, live_server: LiveServer) -> Iterator[Studio]:
    with running_window(qtbot, tmp_path, live_server) as w:
        qtbot.waitExposed(w)
        yield w


def _drop_files(widget: QWidget, pos: QPoint, paths: list[Path]) -> None:
    """A real desktop drop at `pos`: drag-enter, drag-move, then drop, carrying file URLs."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, QDragEnterEvent(pos, *args))
    QApplication.sendEvent(widget, QDragMoveEvent(pos, *args))
    QApplication.sendEvent(widget, QDropEvent(QPointF(pos), *args))


def _labels_on_service(server: LiveServer, folder_id: str) -> list[str]:
    """What the service itself holds in a folder, asked directly (GET /api/recordings)."""
    with server.client() as http:
        answer = http.get("/api/recordings", params={"folder_id": folder_id, "limit": 100})
    answer.raise_for_status()
    return sorted(r["label"] for r in answer.json()["list"])


def _labels_listed(w: Studio) -> list[str]:
    return sorted(t.label for t in w.takes.takes())


def _pick_take(w: Studio, take_id: str) -> None:
    w.takes_view.setCurrentIndex(w.takes_proxy.mapFromSource(w.takes.index_of(take_id)))


# -- dropping -------------------------------------------------------------------------------------
def test_file_dropped_on_a_folder_in_the_tree_goes_into_that_folder(
        qtbot: QtBot, window: Studio, live_server: LiveServer, speech_path: Path) -> None:
    inbox = open_new_folder(window, qtbot, "Tree drops", "Inbox")
    window.browser.create_folder("Keepers")
    qtbot.waitUntil(lambda: window.browser.folder_id != inbox, timeout=10000)
    keepers = window.browser.folder_id
    window.folder_view.setCurrentIndex(window.folders.index_of(inbox))
    qtbot.waitUntil(lambda: window.browser.folder_id == inbox)

    target = window.folder_view.visualRect(window.folders.index_of(keepers))
    assert target.isValid()
    _drop_files(window.folder_view.viewport(), target.center(), [speech_path])

    # into Keepers, on the service; the Inbox the artist is looking at stays as it was
    qtbot.waitUntil(lambda: _labels_on_service(live_server, keepers) == ["arctic_a0007"],
                    timeout=30000)
    assert _labels_on_service(live_server, inbox) == []
    assert window.takes.rowCount() == 0
    window.folder_view.setCurrentIndex(window.folders.index_of(keepers))
    qtbot.waitUntil(lambda: _labels_listed(window) == ["arctic_a0007"], timeout=10000)


def test_dropped_folder_uploads_its_audio_and_names_what_it_refused(
        qtbot: QtBot, window: Studio, live_server: LiveServer, speech_path: Path,
        tmp_path: Path) -> None:
    folder_id = open_new_folder(window, qtbot, "Folder drops", "Session")
    session = tmp_path / "session 3"
    (session / "pickups").mkdir(parents=True)
    shutil.copy(speech_path, session / "line 1.wav")
    samples, rate = sf.read(str(speech_path), dtype="int16")
    sf.write(str(session / "line 2.flac"), samples, rate)
    shutil.copy(speech_path, session / "pickups" / "line 3.wav")
    (session / "broken.wav").write_text("a text file under an audio name")
    (session / "readme.txt").write_text("take notes")

    _drop_files(window.takes_view.viewport(), window.takes_view.viewport().rect().center(),
                [session])

    expected = ["line 1", "line 2", "line 3"]
    qtbot.waitUntil(lambda: _labels_listed(window) == expected, timeout=30000)
    assert _labels_on_service(live_server, folder_id) == expected
    told = window.window.statusBar().currentMessage()
    assert "broken.wav" in told and "not audio" in told, told


def test_dropped_folder_without_audio_says_so(qtbot: QtBot, window: Studio,
                                              tmp_path: Path) -> None:
    open_new_folder(window, qtbot, "Empty drops", "Session")
    empty = tmp_path / "notes only"
    empty.mkdir()
    (empty / "script.txt").write_text("line one")
    _drop_files(window.takes_view.viewport(), window.takes_view.viewport().rect().center(),
                [empty])
    qtbot.waitUntil(lambda: window.window.statusBar().currentMessage()
                    == "No audio files in what was dropped", timeout=10000)
    assert window.takes.rowCount() == 0 and not window.upload_panel.rows


# -- cancelling an upload -----------------------------------------------------------------------
class SlowLinkPool:
    """A real thread pool whose uploads pause after their first chunk until `let_go` is set,
    as on a slow link: Cancel is pressed on the GUI thread while the bytes are on their way,
    never after the last one already left (loopback is faster than any click)."""

    def __init__(self) -> None:
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(3)
        self.let_go = threading.Event()

    def start(self, runnable: QRunnable) -> None:
        signals = getattr(runnable, "signals", None)
        if signals is not None:  # on the pool's thread, after the GUI's own progress slot
            signals.progress.connect(lambda _done, _total: self.let_go.wait(10.0),
                                     Qt.ConnectionType.DirectConnection)
        self.pool.start(runnable)


def _window_on_a_slow_link(folder: Path, server: LiveServer) -> tuple[Studio, SlowLinkPool]:
    """As `inline_window`, but uploads run on threads as in the studio, on a `SlowLinkPool`."""
    settings = remote_settings(folder, server.url, server.api_key)
    runner = TaskRunner(InlineThreadPool())
    link = SlowLinkPool()
    context = StudioContext(settings, runner, ServiceConnection(runner, settings),
                            Player(defer_device=True), cache_dir=folder / "cache",
                            upload_pool=link)
    context.cache_dir.mkdir(parents=True, exist_ok=True)
    return assemble(context), link


def test_cancelled_upload_leaves_nothing_listed_or_stored(
        qtbot: QtBot, live_server: LiveServer, speech_path: Path, tmp_path: Path) -> None:
    samples, rate = sf.read(str(speech_path), dtype="int16")
    long_take = tmp_path / "long take.wav"
    sf.write(str(long_take), np.tile(samples, 10), rate)  # 40 s, ~1.3 MB: several chunks
    w, link = _window_on_a_slow_link(tmp_path, live_server)
    qtbot.addWidget(w.window)
    w.window.show()
    w.context.connection.start()
    try:
        folder_id = open_new_folder(w, qtbot, "Cancels", "Session")
        clicked: list[tuple[int, int, int]] = []
        finished: list[tuple[int, bool, str]] = []

        def click_cancel(job: int, sent: int, total: int) -> None:
            # the artist presses the row's Cancel while the bar is still moving
            if sent < total and not clicked:
                clicked.append((job, sent, total))
                qtbot.mouseClick(w.upload_panel.rows[job].cancel, Qt.MouseButton.LeftButton)
                link.let_go.set()

        w.outbox.job_progress.connect(click_cancel)
        w.outbox.job_done.connect(lambda job, ok, text: finished.append((job, ok, text)))
        w.outbox.add([long_take], folder_id)
        qtbot.waitUntil(lambda: bool(finished), timeout=30000)
        w.outbox.job_progress.disconnect(click_cancel)

        job, sent, total = clicked[0]
        assert sent < total
        assert finished == [(job, False, "cancelled")]
        row = w.upload_panel.rows[job]
        assert row.bar.format() == "cancelled" and row.bar.value() < 1000
        assert not row.cancel.isEnabled()
        assert w.takes.rowCount() == 0
        assert _labels_on_service(live_server, folder_id) == []
        qtbot.waitUntil(lambda: not [p for p in temporaries(live_server.data_dir)
                                     if p.name.startswith("upload-")], timeout=10000)
        # and the next upload goes through as usual
        w.outbox.add([speech_path], folder_id)
        qtbot.waitUntil(lambda: _labels_listed(w) == ["arctic_a0007"], timeout=30000)
        assert _labels_on_service(live_server, folder_id) == ["arctic_a0007"]
    finally:
        link.let_go.set()
        w.window.close()
        link.pool.waitForDone(30000)
        w.context.connection.stop()


# -- exporting one take -----------------------------------------------------------------------
def fill_export_dialog(window: Studio, dest: Path, template: str = "",
                       audio_format: str = "original") -> list[str]:
    """What the artist does in the export dialog once it opens: the zip's path, the names, the
    format, Save. Returns the zip path the dialog suggested."""
    offered: list[str] = []

    def fill() -> None:
        dialog = window.commands.export_dialog
        assert dialog is not None and dialog.isVisible()
        offered.append(dialog.dest_edit.text())
        dialog.dest_edit.setText(str(dest))
        dialog.template_edit.setText(template)
        dialog.format_box.setCurrentIndex(dialog.format_box.findData(audio_format))
        dialog.accept()

    QTimer.singleShot(0, fill)
    return offered


def test_take_exported_through_the_save_dialog_is_a_zip_of_that_take(
        qtbot: QtBot, window: Studio, speech_path: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder_id = open_new_folder(window, qtbot, "Exports", "Session")
    second = tmp_path / "line two.wav"
    shutil.copy(speech_path, second)
    window.outbox.add([speech_path, second], folder_id)
    qtbot.waitUntil(lambda: len(window.takes.takes()) == 2, timeout=30000)
    wanted = next(t for t in window.takes.takes() if t.label == "line two")
    _pick_take(window, wanted.id)
    dest = tmp_path / "out" / "my export.zip"
    dest.parent.mkdir()
    offered = fill_export_dialog(window, dest)
    window.actions_by_key["export_original"].trigger()

    qtbot.waitUntil(lambda: window.window.statusBar().currentMessage() == f"Saved {dest}",
                    timeout=30000)
    assert Path(offered[0]).name == "line two.zip"
    with zipfile.ZipFile(dest) as archive:
        assert sorted(archive.namelist()) == ["line two.wav", "manifest.json"]
        manifest = json.loads(archive.read("manifest.json"))
        audio = archive.read("line two.wav")
    assert manifest["original"]["id"] == wanted.id
    assert [r["id"] for r in manifest["recordings"]] == [wanted.id]
    exported = tmp_path / "exported.wav"
    exported.write_bytes(audio)
    got, got_rate = sf.read(str(exported), dtype="int16")
    source, source_rate = sf.read(str(speech_path), dtype="int16")
    assert got_rate == source_rate and np.array_equal(got, source)


# -- layout and selection across a restart --------------------------------------------------------
def test_layout_and_nested_folder_come_back_after_a_restart(
        qtbot: QtBot, window: Studio, live_server: LiveServer, tmp_path: Path) -> None:
    backend = window.requests.backend
    assert backend is not None
    backend.create_project("Aa listed first")  # the remembered project is not the first row
    book = backend.create_project("Zz remembered book")
    backend.create_folder(book.id, "Chapter 0", None)
    chapter = backend.create_folder(book.id, "Chapter 1", None)
    scene = backend.create_folder(book.id, "Scene 2", chapter.id)
    window.browser.reload_projects()
    qtbot.waitUntil(lambda: window.projects.row_of(book.id) > 0, timeout=10000)
    window.project_picker.setCurrentIndex(window.projects.row_of(book.id))
    qtbot.waitUntil(lambda: window.folders.index_of(scene.id).isValid(), timeout=10000)
    window.folder_view.setCurrentIndex(window.folders.index_of(scene.id))
    qtbot.waitUntil(lambda: window.browser.folder_id == scene.id)
    # the artist moves the waveform to the right and the voice library to the left
    voices_dock = window.window.findChild(QDockWidget, "voicesDock")
    assert voices_dock is not None
    window.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, window.window.waveform_dock)
    window.window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, voices_dock)
    window.window.close()

    again = inline_window(tmp_path, live_server.url, live_server.api_key)
    qtbot.addWidget(again.window)
    try:
        again.window.show()
        again.context.connection.start()
        qtbot.waitUntil(lambda: again.browser.folder_id == scene.id, timeout=10000)
        assert again.project_picker.currentText() == "Zz remembered book"
        current = again.folder_view.currentIndex()
        assert current.data() == "Scene 2" and current.parent().data() == "Chapter 1"
        assert again.folder_view.isExpanded(current.parent())  # the pick is in sight
        voices_again = again.window.findChild(QDockWidget, "voicesDock")
        waveform_again = again.window.waveform_dock
        assert waveform_again is not None
        assert again.window.dockWidgetArea(waveform_again) == Qt.DockWidgetArea.RightDockWidgetArea
        assert again.window.dockWidgetArea(voices_again) == Qt.DockWidgetArea.LeftDockWidgetArea
    finally:
        again.window.close()
        again.context.connection.stop()


# -- logging in with e-mail and password --------------------------------------------------------
def test_login_in_settings_lists_that_users_projects(
        qtbot: QtBot, window: Studio, live_server: LiveServer, tmp_path: Path) -> None:
    from voxbooth.api import VoxBoothClient

    email, password = "dana@example.com", "a long passphrase for dana"
    live_server.admin("create-user", email, stdin=password + "\n")
    with VoxBoothClient(live_server.url) as dana:
        dana.login(email, password)
        dana.projects.create("Dana's audiobook")
    backend = window.requests.backend
    assert backend is not None
    backend.create_project("Local user's project")
    window.browser.reload_projects()
    qtbot.waitUntil(lambda: window.project_picker.findText("Local user's project") >= 0,
                    timeout=10000)
    seen: list[str] = []

    def log_in() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SettingsDialog):
            QTimer.singleShot(50, log_in)
            return
        try:
            dialog.url.setText(live_server.url)
            dialog.email.setText(email)
            dialog.password.setText(password)
            qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: dialog.status.text() != "Logging in…", timeout=10000)
            seen.append(dialog.status.text())
            dialog.accept()
        finally:
            if dialog.isVisible():  # never leave the test waiting on a modal dialog
                dialog.reject()

    QTimer.singleShot(0, log_in)
    window.actions_by_key["settings"].trigger()

    assert seen == ["Logged in; a key for this studio will be kept in the keyring"]
    qtbot.waitUntil(lambda: window.project_picker.currentText() == "Dana's audiobook",
                    timeout=10000)
    listed = [window.project_picker.itemText(i) for i in range(window.project_picker.count())]
    assert listed == ["Dana's audiobook"]
    # a key of Dana's own is kept in the keyring; her password is kept nowhere
    key = load_api_key(live_server.url)
    assert key and key not in (live_server.api_key, password)
    assert password not in (tmp_path / "studio.ini").read_text()


# -- looping a region -----------------------------------------------------------------------------
def test_loop_follows_the_region_on_the_waveform(qtbot: QtBot, window: Studio,
                                                 speech_path: Path, tmp_path: Path) -> None:
    folder_id = open_new_folder(window, qtbot, "Loops", "Session")
    second = tmp_path / "line two.wav"
    shutil.copy(speech_path, second)
    window.outbox.add([speech_path, second], folder_id)
    qtbot.waitUntil(lambda: len(window.takes.takes()) == 2, timeout=30000)
    first, other = sorted(window.takes.takes(), key=lambda t: t.label)
    player = window.context.player
    _pick_take(window, first.id)
    qtbot.waitUntil(lambda: player.duration_s > 3.9, timeout=10000)
    assert player.loop_s is None

    qtbot.mouseClick(window.transport.loop_button, Qt.MouseButton.LeftButton)
    shown = window.waveform.loop_region_s()
    assert shown is not None and window.waveform.region.isVisible()
    assert player.loop_s == pytest.approx(shown, abs=1e-3)
    assert 0.5 < shown[1] - shown[0] < 3.5  # a region inside the take, not all of it

    window.waveform.region.setRegion((1.0, 1.5))  # the artist drags its edges
    assert player.loop_s == pytest.approx((1.0, 1.5), abs=1e-3)

    qtbot.mouseClick(window.transport.loop_button, Qt.MouseButton.LeftButton)
    assert player.loop_s is None and not window.waveform.region.isVisible()

    qtbot.mouseClick(window.transport.loop_button, Qt.MouseButton.LeftButton)
    window.waveform.region.setRegion((1.0, 1.5))
    _pick_take(window, other.id)  # another take: the last one's region goes with it
    qtbot.waitUntil(lambda: window.audition.tracks is not None
                    and window.audition.tracks.take_ids == [other.id], timeout=10000)
    assert player.loop_s is None and not window.waveform.region.isVisible()
    assert not window.transport.loop_button.isChecked()


def test_project_export_names_files_from_the_template_in_the_format_chosen(
        qtbot: QtBot, window: Studio, speech_path: Path, tmp_path: Path) -> None:
    folder_id = open_new_folder(window, qtbot, "Night: Tales", "Chapter 1")
    window.outbox.add([speech_path], folder_id)
    qtbot.waitUntil(lambda: len(window.takes.takes()) == 1, timeout=30000)
    dest = tmp_path / "night.zip"
    offered = fill_export_dialog(window, dest, "{folder} - {line}", "flac")
    window.actions_by_key["export_project"].trigger()
    assert Path(offered[0]).name == "Night Tales.zip"  # the project's name, safe as a file name
    qtbot.waitUntil(lambda: window.window.statusBar().currentMessage() == f"Saved {dest}",
                    timeout=30000)
    with zipfile.ZipFile(dest) as archive:
        audio = [n for n in archive.namelist() if n != "manifest.json"]
        assert len(audio) == 1 and audio[0].endswith("Chapter 1 - arctic_a0007.flac"), audio
        data = archive.read(audio[0])
    exported = tmp_path / "exported.flac"
    exported.write_bytes(data)
    info = sf.info(str(exported))
    assert info.format == "FLAC" and info.duration == pytest.approx(
        sf.info(str(speech_path)).duration, abs=0.01)
