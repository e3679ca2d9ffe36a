"""The studio's main window: builds the parts, connects them and lays them out; nothing else.

Dock areas at the top (recording desk) and on the right (voice library, order panel) are left
free for the recording and conversion workflow; `add_panel` puts a dock there.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from voxbooth.studio.actions import ACTIONS, MENU_ORDER, create_actions
from voxbooth.studio.audition_tracks import SoundCache
from voxbooth.studio.commands import Commands
from voxbooth.studio.context import StudioContext
from voxbooth.studio.controllers.audition import AuditionController
from voxbooth.studio.controllers.conversions import ConversionWatcher
from voxbooth.studio.controllers.library import LibraryController
from voxbooth.studio.controllers.requests import Requests
from voxbooth.studio.desk.takes_folder import default_takes_dir
from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.models.filters import TakesFilterProxy
from voxbooth.studio.models.folders import FolderTreeModel
from voxbooth.studio.models.projects import ProjectsModel
from voxbooth.studio.models.roles import ID_ROLE
from voxbooth.studio.models.takes import (
    COL_DATE,
    COL_DURATION,
    COL_LABEL,
    COL_NOTE,
    COL_STAR,
    COL_STATE,
    COL_VOICE,
    TakesModel,
)
from voxbooth.studio.outbox.outbox import Outbox
from voxbooth.studio.outbox.store import OutboxStore
from voxbooth.studio.widgets.notices import ServiceBanner, Toast
from voxbooth.studio.widgets.playback import PlaybackPanel
from voxbooth.studio.widgets.uploads import UploadPanel
from voxbooth.studio.widgets.views import FolderView, TakesView

FILTER_DELAY_MS = 200


class MainWindow(QMainWindow):
    def __init__(self, context: StudioContext, dark: bool = False) -> None:
        super().__init__()
        self.setObjectName("voxboothStudio")
        self.setWindowTitle("VoxBooth Studio")
        self.context = context
        self.actions_by_key = create_actions(self)
        self._build_models()
        self._build_widgets(dark)
        self._build_controllers()
        self._lay_out()
        self._build_menus()
        self._connect()
        self._layout_restored = False  # done at the first show, when every panel is docked
        # the recording desk (top) and the voice library with orders (right): issue 7's part
        from voxbooth.studio.desk.follow_settings import follow_settings
        from voxbooth.studio.desk.workflow import attach_workflow
        self.workflow = attach_workflow(self, dark)
        follow_settings(context.settings, self.workflow.desk, self.workflow.desk_panel)

    # -- building -------------------------------------------------------------------------------
    def _build_models(self) -> None:
        self.projects = ProjectsModel(self)
        self.folders = FolderTreeModel(self)
        self.takes = TakesModel(self)
        self.takes_proxy = TakesFilterProxy(self)
        self.takes_proxy.setSourceModel(self.takes)

    def _build_widgets(self, dark: bool) -> None:
        self.project_picker = QComboBox()
        self.project_picker.setObjectName("projectPicker")
        self.project_picker.setModel(self.projects)
        self.project_picker.setPlaceholderText("No project yet")
        self.new_project_button = QToolButton()
        self.new_project_button.setDefaultAction(self.actions_by_key["new_project"])
        self.new_project_button.setText("+")
        self.folder_view = FolderView()
        self.folder_view.setModel(self.folders)
        self.takes_view = TakesView()
        self.takes_view.setModel(self.takes_proxy)
        self.takes_view.sortByColumn(COL_DATE, Qt.SortOrder.AscendingOrder)
        header = self.takes_view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_LABEL, QHeaderView.ResizeMode.Stretch)
        for column, width in ((COL_VOICE, 130), (COL_DURATION, 70), (COL_STATE, 150),
                              (COL_STAR, 30), (COL_NOTE, 160), (COL_DATE, 130)):
            header.resizeSection(column, width)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("takesFilter")
        self.filter_edit.setPlaceholderText("Filter takes by label, voice or note")
        self.filter_edit.setClearButtonEnabled(True)
        self.starred_only = QCheckBox("Starred only")
        self.state_filter = QComboBox()
        for text, state in (("Any state", ""), ("Done", "done"), ("Converting", "processing"),
                            ("Queued", "new"), ("Failed", "error")):
            self.state_filter.addItem(text, state)
        self.banner = ServiceBanner()
        self.upload_panel = UploadPanel()
        self.playback = PlaybackPanel(self.actions_by_key, self.context.player, dark)
        self.waveform, self.transport = self.playback.waveform, self.playback.transport
        self.toast = Toast(self, anchor=self.takes_view)

    def _build_controllers(self) -> None:
        ctx = self.context
        self.requests = Requests(ctx.runner, self)
        self.library = LibraryController(self.requests, self.projects, self.folders,
                                         self.takes, self)
        folder = Path(str(ctx.settings.value("desk/takes_dir", "") or default_takes_dir()))
        self.outbox = Outbox(self.requests, OutboxStore(folder), lambda: self.library.folder_id,
                             ctx.runner, ctx.upload_pool, self)
        self.watcher = ConversionWatcher(self.requests, self.takes, self)
        self.audition = AuditionController(self.requests, ctx.player,
                                           SoundCache(ctx.cache_dir), self)
        self.commands = Commands(self, self.library, self.outbox, self.requests,
                                 self.folder_view, self.takes_view)
        self.filter_delay = QTimer(self)  # filter once typing pauses, not on every key
        self.filter_delay.setSingleShot(True)
        self.filter_delay.setInterval(FILTER_DELAY_MS)

    def _lay_out(self) -> None:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        picker_row = QHBoxLayout()
        picker_row.addWidget(self.project_picker, 1)
        picker_row.addWidget(self.new_project_button)
        left_layout.addLayout(picker_row)
        left_layout.addWidget(self.folder_view, 1)
        self.add_panel(self._dock("projectsDock", "Projects and folders", left),
                       Qt.DockWidgetArea.LeftDockWidgetArea)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.addWidget(self.banner)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.filter_edit, 1)
        filter_row.addWidget(self.starred_only)
        filter_row.addWidget(self.state_filter)
        centre_layout.addLayout(filter_row)
        centre_layout.addWidget(self.takes_view, 1)
        centre_layout.addWidget(self.upload_panel)
        self.setCentralWidget(centre)
        self.waveform_dock = self._dock("waveformDock", "Waveform and audition", self.playback)
        self.add_panel(self.waveform_dock, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.resize(1200, 780)

    def _dock(self, name: str, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # restoreState finds docks by name
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        return dock

    def add_panel(self, dock: QDockWidget, area: Qt.DockWidgetArea) -> None:
        """Docks a panel: the recording desk goes on top, the voice library on the right."""
        self.addDockWidget(area, dock)

    def _build_menus(self) -> None:
        menus = {group: self.menuBar().addMenu(f"&{group}") for group in MENU_ORDER}
        for spec in ACTIONS:
            menus[spec.group].addAction(self.actions_by_key[spec.key])
            self.addAction(self.actions_by_key[spec.key])  # shortcuts work with menus closed
        a = self.actions_by_key
        self.takes_view.menu_actions = [a["rename_take"], a["star_take"], a["note_take"], None,
                                        a["export_original"], a["retry_take"], None,
                                        a["delete_take"]]
        self.folder_view.menu_actions = [a["new_folder"], a["new_subfolder"], a["rename_folder"],
                                         None, a["delete_folder"]]

    # -- connecting -----------------------------------------------------------------------------
    def _connect(self) -> None:
        self._connect_service()
        self._connect_library()
        self._connect_playback()
        self._connect_actions()

    def _connect_service(self) -> None:
        conn = self.context.connection
        conn.status.connect(self.statusBar().showMessage)
        conn.ready.connect(self._on_service_ready)
        conn.unreachable.connect(self.banner.show_message)
        conn.restored.connect(self._on_service_restored)
        conn.restored.connect(self.outbox.resume_waiting)  # uploads held while it was away
        self.requests.unreachable.connect(conn.report_failure)
        self.requests.error.connect(self.tell)
        self.library.message.connect(self.tell)

    def _connect_library(self) -> None:
        self.project_picker.currentIndexChanged.connect(self._on_project_picked)
        self.library.projects_loaded.connect(self._restore_project)
        self.library.project_created.connect(self._select_project)
        self.library.folders_loaded.connect(self._restore_folder)
        self.library.folder_created.connect(self._select_folder)
        self.folder_view.selectionModel().selectionChanged.connect(self._on_folder_picked)
        self.folders.files_dropped.connect(self.outbox.add)
        self.takes_view.files_dropped.connect(
            lambda paths: self.outbox.add(paths, self.library.folder_id))
        self.outbox.job_added.connect(self.upload_panel.add_job)
        self.outbox.job_progress.connect(self.upload_panel.set_progress)
        self.outbox.job_waiting.connect(self.upload_panel.set_waiting)
        self.outbox.job_done.connect(self.upload_panel.finish)
        self.outbox.refused.connect(self.tell)
        self.outbox.uploaded.connect(self._on_uploaded)
        self.upload_panel.cancel_requested.connect(self.outbox.cancel)
        self.watcher.finished.connect(
            lambda t: self.tell(f"Conversion ready: “{t.label}”"
                                + ("" if t.voice_name in t.label else f" ({t.voice_name})")))
        self.watcher.failed.connect(
            lambda t: self.tell(f"Conversion failed: “{t.label}”: {t.error or 'no reason'}"))
        self.filter_edit.textChanged.connect(lambda _text: self.filter_delay.start())
        self.filter_delay.timeout.connect(
            lambda: self.takes_proxy.set_text(self.filter_edit.text()))
        self.starred_only.toggled.connect(self.takes_proxy.set_starred_only)
        self.state_filter.currentIndexChanged.connect(
            lambda _i: self.takes_proxy.set_state(str(self.state_filter.currentData())))

    def _connect_playback(self) -> None:
        self.audition.follow(self.takes_view, self.takes)
        self.audition.message.connect(self.tell)
        self.watcher.finished.connect(self.audition.refresh)
        self.playback.attach(self.audition)

    def _connect_actions(self) -> None:
        a, c, lib = self.actions_by_key, self.commands, self.library
        slots = {
            "new_project": c.new_project, "rename_project": c.rename_project,
            "delete_project": c.delete_project, "import_files": c.import_files,
            "export_project": c.export_project, "export_original": c.export_original,
            "settings": lambda: c.open_settings(self.context, self._on_server_changed),
            "quit": self.close,
            "new_folder": c.new_folder, "new_subfolder": lambda: c.new_folder(inside=True),
            "rename_folder": c.rename_folder, "delete_folder": c.delete_folder,
            "rename_take": c.rename_take, "note_take": c.note_take,
            "star_take": lambda: lib.toggle_star(self.takes_view.selected_ids()),
            "delete_take": lambda: lib.delete_takes(self.takes_view.selected_ids()),
            "undo_delete": lib.undo_delete, "refresh": lib.reload_takes,
            "retry_take": lambda: lib.retry_all(self.takes_view.selected_ids()),
            "stats": c.open_stats,
            "shortcuts": c.open_shortcuts, "about": c.open_about,
        }
        for key, slot in slots.items():
            a[key].triggered.connect(lambda _checked=False, s=slot: s())

    # -- slots (thin) ---------------------------------------------------------------------------
    def tell(self, text: str) -> None:
        """A message the user should notice without being stopped."""
        self.statusBar().showMessage(text, 10000)
        self.toast.announce(text)

    def _on_service_ready(self, backend: object) -> None:
        first = self.requests.backend is None
        self.requests.set_backend(backend)  # type: ignore[arg-type]
        self.banner.clear()
        self.watcher.start()
        if first:
            self.library.reload_projects()

    def _on_service_restored(self) -> None:
        self.banner.clear()
        self.tell("The service is back; your changes were kept")
        self.library.reload_takes()

    def _on_project_picked(self, row: int) -> None:
        project = self.projects.project_at(row) if row >= 0 else None
        self.library.select_project(project.id if project else "")
        self.context.settings.remember_selection(project.id if project else "", "")

    def _select_project(self, project_id: str) -> None:
        row = self.projects.row_of(project_id)
        if row >= 0:
            self.project_picker.setCurrentIndex(row)
            self._on_project_picked(row)

    def _restore_project(self) -> None:
        last = self.context.settings.last_project_id()
        row = self.projects.row_of(last) if last else -1
        self._select_project(self.projects.project_at(max(row, 0)).id  # type: ignore[union-attr]
                             if self.projects.rowCount() else "")

    def _restore_folder(self) -> None:
        last = self.context.settings.last_folder_id()
        ids = self.folders.folder_ids()
        if ids:
            self._select_folder(last if last in ids else self.folders.index(0, 0).data(ID_ROLE))

    def _select_folder(self, folder_id: str) -> None:
        index = self.folders.index_of(folder_id)
        if index.isValid():
            self.folder_view.expand(index.parent())
            self.folder_view.setCurrentIndex(index)

    def _on_folder_picked(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        folder_id = str(indexes[0].data(ID_ROLE)) if indexes else ""
        self.library.select_folder(folder_id)
        self.context.settings.remember_selection(self.library.project_id, folder_id)

    def _on_uploaded(self, take: TakeInfo) -> None:
        if take.folder_id in (None, self.library.folder_id):
            self.takes.upsert(take)

    def _on_server_changed(self) -> None:
        """New server settings: forget the old service's objects and connect again."""
        self.requests.set_backend(None)
        self.projects.set_projects([])
        self.library.select_project("")
        self.context.connection.reconnect()

    # -- layout persistence -----------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        if not self._layout_restored:
            self._layout_restored = True
            self._restore_layout()
        super().showEvent(event)

    def _restore_layout(self) -> None:
        """The last session's layout, else one that fits the screen with room for the
        waveform (panels docked after construction, such as the desk, are included)."""
        geometry, state = self.context.settings.window_state()
        if geometry is not None and state is not None:
            self.restoreGeometry(geometry)
            self.restoreState(state)
            return
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            self.resize(int(screen.width() * 0.92), int(screen.height() * 0.92))
        # once the window has its size: the docks are sized against it
        QTimer.singleShot(0, lambda: self.resizeDocks(
            [self.waveform_dock], [max(260, int(self.height() * 0.3))], Qt.Orientation.Vertical))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.toast.isVisible():
            self.toast.announce(self.toast.text())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.context.settings.set_window_state(self.saveGeometry(), self.saveState())
        self.context.settings.sync()
        self.library.commit_deletes()
        self.watcher.stop()
        self.playback.stop()
        self.outbox.stop()  # what is being sent goes at the next start
        super().closeEvent(event)
