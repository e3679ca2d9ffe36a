"""What each window action does when it needs to ask the user something first (a name, a
confirmation, a file to save to). Kept out of the window class, which only wires."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from voxbooth.studio.context import StudioContext
from voxbooth.studio.controllers.browser import TakesBrowser
from voxbooth.studio.dialogs.export import ExportDialog, zip_name
from voxbooth.studio.formats import file_dialog_filter
from voxbooth.studio.outbox.outbox import Outbox
from voxbooth.studio.service.backend import StudioBackend
from voxbooth.studio.service.requests import Requests
from voxbooth.studio.widgets.views import FolderView, TakesView


class Commands:
    def __init__(self, parent: QWidget, browser: TakesBrowser, outbox: Outbox,
                 requests: Requests, folder_view: FolderView, takes_view: TakesView) -> None:
        self.parent = parent
        self.export_dialog: ExportDialog | None = None
        self.browser = browser
        self.outbox = outbox
        self.requests = requests
        self.folder_view = folder_view
        self.takes_view = takes_view

    def _ask(self, title: str, label: str, text: str = "") -> str:
        value, ok = QInputDialog.getText(self.parent, title, label, text=text)
        return value.strip() if ok else ""

    def _confirm(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(self.parent, title, question)
        return answer == QMessageBox.StandardButton.Yes

    # -- projects and folders ---------------------------------------------------------------------
    def new_project(self) -> None:
        name = self._ask("New project", "Project name:")
        if name:
            self.browser.create_project(name)

    def rename_project(self) -> None:
        project = self.browser.projects.project_at(
            self.browser.projects.row_of(self.browser.project_id))
        if project is not None:
            name = self._ask("Rename project", "Project name:", project.name)
            if name and name != project.name:
                self.browser.rename_project(project.id, name)

    def delete_project(self) -> None:
        project_id = self.browser.project_id
        row = self.browser.projects.row_of(project_id)
        project = self.browser.projects.project_at(row) if row >= 0 else None
        if project is not None and self._confirm(
                "Delete project", f"Delete “{project.name}” with all its folders and takes?"):
            self.browser.delete_project(project.id)

    def new_folder(self, inside: bool = False) -> None:
        parent_id = self.folder_view.current_id() if inside else None
        name = self._ask("New folder", "Folder name:")
        if name:
            self.browser.create_folder(name, parent_id or None)

    def rename_folder(self) -> None:
        folder = self.browser.folders.folder(self.folder_view.current_id())
        if folder is not None:
            name = self._ask("Rename folder", "Folder name:", folder.name)
            if name and name != folder.name:
                self.browser.rename_folder(folder.id, name)

    def delete_folder(self) -> None:
        folder = self.browser.folders.folder(self.folder_view.current_id())
        if folder is not None and self._confirm(
                "Delete folder", f"Delete the folder “{folder.name}” and the takes in it?"):
            self.browser.delete_folder(folder.id)

    # -- takes ----------------------------------------------------------------------------------
    def rename_take(self) -> None:
        take = self.browser.takes.take(self.takes_view.current_id() or "")
        if take is not None:
            label = self._ask("Rename take", "Label:", take.label)
            if label and label != take.label:
                self.browser.rename_take(take.id, label)

    def note_take(self) -> None:
        take = self.browser.takes.take(self.takes_view.current_id() or "")
        if take is not None:
            text, ok = QInputDialog.getMultiLineText(self.parent, "Note", "Note:", take.note)
            if ok:
                self.browser.set_note(take.id, text.strip())

    def import_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.parent, "Add audio files", "",
                                                self.audio_filter())
        if paths:
            self.outbox.add(paths, self.browser.folder_id)

    def audio_filter(self) -> str:
        """Add files offers the formats the service takes (every one named until it says)."""
        rules = self.requests.rules
        return file_dialog_filter(rules.audio_formats if rules is not None else None)

    def export_project(self) -> None:
        if not self.browser.project_id:
            return
        project = self.browser.projects.project_at(
            self.browser.projects.row_of(self.browser.project_id))
        self._export(StudioBackend.export_project, self.browser.project_id,
                     zip_name(project.name if project is not None else "", "project"))

    def export_original(self) -> None:
        take = self.browser.takes.take(self.takes_view.current_id() or "")
        if take is not None:
            original = take.original_id if take.is_conversion else take.id
            self._export(StudioBackend.export_original, original or take.id,
                         zip_name(take.label, "take"))

    # -- dialogs --------------------------------------------------------------------------------
    def open_settings(self, context: StudioContext, on_server_changed: Callable[[], None]) -> None:
        from voxbooth.studio.dialogs.settings import SettingsDialog

        dialog = SettingsDialog(context.settings, context.runner, self.parent)
        if dialog.exec() and dialog.save():
            self.browser.message.emit("Server settings saved; connecting again")
            on_server_changed()

    def open_stats(self) -> None:
        from voxbooth.studio.dialogs.stats import StatsDialog

        def fetch(backend: StudioBackend) -> tuple[object, object]:
            return backend.stats(), backend.credits()

        if self.requests.backend is not None:
            self.requests.run(fetch, self.requests.backend,
                              on_result=lambda sc: StatsDialog(sc[0], sc[1], self.parent).exec())

    def open_shortcuts(self) -> None:
        from voxbooth.studio.dialogs.shortcuts import ShortcutsDialog

        ShortcutsDialog(self.parent).exec()

    def open_about(self) -> None:
        QMessageBox.about(self.parent, "About VoxBooth",
                          "VoxBooth Studio: record, organise and audition voice conversions.")

    def _export(self, method: Callable[..., Path], entity_id: str, suggested: str) -> None:
        dialog = ExportDialog(Path.home() / suggested, self.parent)
        self.export_dialog = dialog  # while open (tests fill it as the artist would)
        try:
            if not dialog.exec():
                return
            choice = dialog.choice()
        finally:
            self.export_dialog = None
            dialog.deleteLater()
        self.browser.message.emit(f"Exporting to {choice.dest}…")
        self.requests.call(method, entity_id, choice.dest, name_template=choice.name_template,
                           audio_format=choice.audio_format,
                           on_result=lambda p: self.browser.message.emit(f"Saved {p}"))
