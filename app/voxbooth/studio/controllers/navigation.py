"""Which project and folder are open: picked by the artist, remembered between sessions, and
restored when the lists come back from the service (at start, or after a restart of it)."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QObject
from PySide6.QtWidgets import QComboBox, QTreeView

from voxbooth.studio.controllers.browser import TakesBrowser
from voxbooth.studio.models.folders import FolderTreeModel
from voxbooth.studio.models.projects import ProjectsModel
from voxbooth.studio.models.roles import ID_ROLE
from voxbooth.studio.settings import StudioSettings


class Navigation(QObject):
    def __init__(self, browser: TakesBrowser, settings: StudioSettings,
                 picker: QComboBox, folder_view: QTreeView,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.browser = browser
        self.settings = settings
        self.picker = picker
        self.folder_view = folder_view
        self.projects: ProjectsModel = browser.projects
        self.folders: FolderTreeModel = browser.folders
        picker.currentIndexChanged.connect(self.on_project_picked)
        browser.projects_loaded.connect(self.restore_project)
        browser.project_created.connect(self.select_project)
        browser.folders_loaded.connect(self.restore_folder)
        browser.folder_created.connect(self.select_folder)
        folder_view.selectionModel().selectionChanged.connect(self.on_folder_picked)

    def on_project_picked(self, row: int) -> None:
        project = self.projects.project_at(row) if row >= 0 else None
        project_id = project.id if project else ""
        # the remembered folder is kept while its project is picked again (at start): its
        # folders arrive later, and `restore_folder` opens it then
        if project_id != self.settings.last_project_id():
            self.settings.remember_selection(project_id, "")
        self.browser.select_project(project_id)

    def select_project(self, project_id: str) -> None:
        row = self.projects.row_of(project_id)
        if row < 0:
            return
        if self.picker.currentIndex() == row:
            self.on_project_picked(row)  # picked again: its folders are read again
        else:
            self.picker.setCurrentIndex(row)  # `on_project_picked` once, through the signal

    def restore_project(self) -> None:
        last = self.settings.last_project_id()
        row = self.projects.row_of(last) if last else -1
        first = self.projects.project_at(max(row, 0)) if self.projects.rowCount() else None
        self.select_project(first.id if first is not None else "")

    def restore_folder(self) -> None:
        last = self.settings.last_folder_id()
        ids = self.folders.folder_ids()
        if ids:
            self.select_folder(last if last in ids else self.folders.index(0, 0).data(ID_ROLE))

    def select_folder(self, folder_id: str) -> None:
        index = self.folders.index_of(folder_id)
        if index.isValid():
            self.folder_view.expand(index.parent())
            self.folder_view.setCurrentIndex(index)

    def on_folder_picked(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        folder_id = str(indexes[0].data(ID_ROLE)) if indexes else ""
        self.browser.select_folder(folder_id)
        if folder_id:  # none while the folders are read again: `restore_folder` comes next
            self.settings.remember_selection(self.browser.project_id, folder_id)
