"""Projects, folders and takes: loading them into the item models and changing them on the
service. The models change when the service confirms, so they never show what is not stored."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal

from voxbooth.studio.entities import FolderInfo, ProjectInfo, TakeInfo
from voxbooth.studio.models.folders import FolderTreeModel
from voxbooth.studio.models.projects import ProjectsModel
from voxbooth.studio.models.takes import TakesModel
from voxbooth.studio.service.backend import StudioBackend, new_key
from voxbooth.studio.service.requests import Requests

FIRST_PROJECT_NAME = "My project"  # made on a first start, so files can be dropped at once
FIRST_FOLDER_NAME = "Takes"
UNDO_DELETE_MS = 8000  # a deleted take can be brought back this long, then it is gone


def make_first_project(backend: StudioBackend) -> tuple[ProjectInfo, FolderInfo]:
    """Worker thread: the project and folder a first start offers for dropping files."""
    project = backend.create_project(FIRST_PROJECT_NAME)
    return project, backend.create_folder(project.id, FIRST_FOLDER_NAME, None)


class TakesBrowser(QObject):
    message = Signal(str)  # status bar
    projects_loaded = Signal()
    folders_loaded = Signal()
    takes_loaded = Signal()
    project_created = Signal(str)
    folder_created = Signal(str)

    def __init__(self, requests: Requests, projects: ProjectsModel, folders: FolderTreeModel,
                 takes: TakesModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.requests = requests
        self.projects = projects
        self.folders = folders
        self.takes = takes
        self.project_id = ""
        self.folder_id = ""
        self._takes_generation = 0  # drops answers for a folder no longer selected
        # takes that arrived (an upload's answer) while the folder's list was being read: the
        # list may have been made before they existed, and must not drop them
        self._added_while_listing: list[TakeInfo] | None = None
        self._deleted: list[TakeInfo] = []
        # folders made while the project's list was on its way: that list may not have them
        self._made_while_listing: list[FolderInfo] | None = None
        self._projects_made_while_listing: list[ProjectInfo] | None = None  # the same for projects
        self._delete_timer = QTimer(self)
        self._delete_timer.setSingleShot(True)
        self._delete_timer.timeout.connect(self.commit_deletes)
        folders.takes_dropped.connect(self.move_takes)
        takes.populated.connect(self.takes_loaded)
        folders.folder_dropped.connect(self.move_folder)

    # -- loading --------------------------------------------------------------------------------
    def reload_projects(self) -> None:
        self._projects_made_while_listing = []
        self.requests.call(StudioBackend.list_projects, on_result=self._on_projects)

    def _on_projects(self, projects: list[ProjectInfo]) -> None:
        made, self._projects_made_while_listing = self._projects_made_while_listing or [], None
        listed = {p.id for p in projects}
        projects = [*projects, *(p for p in made if p.id not in listed)]
        self.projects.set_projects(projects)
        self.projects_loaded.emit()
        if made:  # the artist's new project stays the one open
            self.project_created.emit(made[-1].id)
        if not projects and self.requests.backend is not None:
            # a first start: somewhere to drop files at once, no manual needed
            self.requests.run(make_first_project, self.requests.backend,
                              on_result=self._on_first_project)

    def _on_first_project(self, made: tuple[ProjectInfo, FolderInfo]) -> None:
        project, _folder = made
        self.projects.upsert(project)
        if not self.project_id:  # unless the user has picked or made another meanwhile
            self.project_created.emit(project.id)

    def select_project(self, project_id: str) -> None:
        if project_id == self.project_id and self.folders.rowCount():
            return
        self.project_id = project_id
        self.folder_id = ""
        self.folders.set_folders([])
        self.takes.set_takes([])
        self._made_while_listing = None
        if project_id:
            self._made_while_listing = []
            self.requests.call(StudioBackend.list_folders, project_id,
                               on_result=partial(self._on_folders, project_id))

    def _on_folders(self, project_id: str, folders: list[FolderInfo]) -> None:
        if project_id != self.project_id:
            return
        made, self._made_while_listing = self._made_while_listing or [], None
        listed = {f.id for f in folders}
        self.folders.set_folders([*folders, *(f for f in made if f.id not in listed)])
        self.folders_loaded.emit()
        if made:  # the artist's new folder stays the one open
            self.folder_created.emit(made[-1].id)

    def select_folder(self, folder_id: str) -> None:
        self.folder_id = folder_id
        self.reload_takes()

    def reload_takes(self) -> None:
        self._takes_generation += 1
        generation, folder_id = self._takes_generation, self.folder_id
        if not folder_id:
            self._added_while_listing = None
            self.takes.set_takes([])
            return
        self._added_while_listing = []
        self.requests.call(StudioBackend.list_takes, folder_id,
                           on_result=lambda ts: self._on_takes(generation, ts))

    def _on_takes(self, generation: int, takes: list[TakeInfo]) -> None:
        if generation != self._takes_generation:
            return
        added, self._added_while_listing = self._added_while_listing or [], None
        listed = {t.id for t in takes}
        hidden = {t.id for t in self._deleted}
        self.takes.set_takes(t for t in [*takes, *(a for a in added if a.id not in listed)]
                             if t.id not in hidden)  # then `populated`

    def add_take(self, take: TakeInfo) -> None:
        """A take that reached the service (an upload), listed if it is in the folder shown."""
        if take.folder_id not in (None, self.folder_id):
            return
        self.takes.upsert(take)
        if self._added_while_listing is not None:
            self._added_while_listing.append(take)

    # -- projects and folders ---------------------------------------------------------------------
    def create_project(self, name: str) -> None:
        self.requests.call(StudioBackend.create_project, name, idempotency_key=new_key(), keep=True,
                           on_result=self._on_project_created)

    def _on_project_created(self, project: ProjectInfo) -> None:
        self.projects.upsert(project)
        if self._projects_made_while_listing is not None:
            self._projects_made_while_listing.append(project)
        self.message.emit(f"Project “{project.name}” created")
        self.project_created.emit(project.id)

    def rename_project(self, project_id: str, name: str) -> None:
        self.requests.call(StudioBackend.rename_project, project_id, name, keep=True,
                           on_result=self.projects.upsert)

    def delete_project(self, project_id: str) -> None:
        self.requests.call(StudioBackend.delete_project, project_id, keep=True,
                           on_result=self.projects.remove)

    def create_folder(self, name: str, parent_id: str | None = None) -> None:
        if not self.project_id:
            self.message.emit("Create or pick a project first")
            return
        self.requests.call(StudioBackend.create_folder, self.project_id, name, parent_id,
                           idempotency_key=new_key(), keep=True,
                           on_result=self._on_folder_created)

    def _on_folder_created(self, folder: FolderInfo) -> None:
        if folder.project_id == self.project_id:
            self.folders.upsert(folder)
            if self._made_while_listing is not None:
                self._made_while_listing.append(folder)
            self.folder_created.emit(folder.id)
        self.message.emit(f"Folder “{folder.name}” created")

    def rename_folder(self, folder_id: str, name: str) -> None:
        self.requests.call(StudioBackend.rename_folder, folder_id, name, keep=True,
                           on_result=self.folders.upsert)

    def delete_folder(self, folder_id: str) -> None:
        self.requests.call(StudioBackend.delete_folder, folder_id, keep=True,
                           on_result=self._on_folder_gone)

    def _on_folder_gone(self, folder_id: str) -> None:
        self.folders.remove(folder_id)
        if folder_id == self.folder_id:
            self.select_folder("")

    def move_folder(self, folder_id: str, parent_id: str | None) -> None:
        # The seed API renames folders only; nesting is set at creation. Say so plainly.
        self.message.emit("Folders keep their place; create a folder inside another to nest it")

    # -- takes ----------------------------------------------------------------------------------
    def move_takes(self, take_ids: Iterable[str], folder_id: str) -> None:
        for take_id in take_ids:
            if folder_id == self.folder_id:
                continue
            self.requests.call(StudioBackend.update_take, take_id, parent_folder_id=folder_id,
                               keep=True, on_result=self._on_take_moved)

    def _on_take_moved(self, take: TakeInfo) -> None:
        if take.folder_id != self.folder_id:
            self.takes.remove(take.id)
            self.message.emit(f"Moved “{take.label}”")
        else:
            self.takes.upsert(take)

    def rename_take(self, take_id: str, label: str) -> None:
        self.requests.call(StudioBackend.update_take, take_id, label=label, keep=True,
                           on_result=self.takes.upsert)

    def toggle_star(self, take_ids: Iterable[str]) -> None:
        for take_id in take_ids:
            take = self.takes.take(take_id)
            if take is not None:
                self.requests.call(StudioBackend.update_take, take_id, starred=not take.starred,
                                   keep=True, on_result=self.takes.upsert)

    def set_note(self, take_id: str, text: str) -> None:
        take = self.takes.take(take_id)
        if take is not None:
            self.requests.call(StudioBackend.set_note, take, text, idempotency_key=new_key(),
                               keep=True, on_result=self.takes.upsert)

    def retry_all(self, take_ids: Iterable[str]) -> None:
        for take_id in take_ids:
            self.retry(take_id)

    def retry(self, take_id: str) -> None:
        self.requests.call(StudioBackend.retry, take_id, on_result=self._on_retried)

    def _on_retried(self, takes: list[TakeInfo]) -> None:
        for take in takes:
            self.takes.upsert(take)
        self.message.emit("Conversion queued again")

    def delete_takes(self, take_ids: Iterable[str]) -> None:
        """Hides the takes at once and deletes them on the service only after the undo delay."""
        for take_id in take_ids:
            removed = self.takes.remove(take_id)
            if removed is not None:
                self._deleted.append(removed)
        if self._deleted:
            count = len(self._deleted)
            self.message.emit(f"Deleted {count} take{'s' * (count > 1)} - Ctrl+Z brings "
                              f"{'them' if count > 1 else 'it'} back")
            self._delete_timer.start(UNDO_DELETE_MS)

    def undo_delete(self) -> None:
        self._delete_timer.stop()
        restored, self._deleted = self._deleted, []
        for take in [t for t in restored if not t.is_conversion] + \
                    [t for t in restored if t.is_conversion]:
            if take.folder_id in (None, self.folder_id):
                self.takes.upsert(take)
        if restored:
            self.message.emit(f"Restored {len(restored)} take{'s' * (len(restored) > 1)}")

    def commit_deletes(self) -> None:
        doomed, self._deleted = self._deleted, []
        for take in doomed:
            self.requests.call(StudioBackend.delete_take, take.id, keep=True)

    @property
    def pending_deletes(self) -> int:
        return len(self._deleted)
