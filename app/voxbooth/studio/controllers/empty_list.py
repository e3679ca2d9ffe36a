"""What the empty takes list and the project picker say, from what is really going on: the
service is still being reached, it has not answered, the projects are on their way, there is no
project (make one), the project has no folder (make one), the takes are on their way, or the
folder is empty (drop files here). Never "no project" while the projects are still coming."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox

from voxbooth.studio.controllers.browser import TakesBrowser
from voxbooth.studio.formats import formats_in_words
from voxbooth.studio.widgets.empty_state import EmptyState

CONNECTING, UNANSWERED, LISTING, LISTED = "connecting", "unanswered", "listing", "listed"

DROP_HINT = ("Drop audio files or folders here to add them to this folder\n"
             "({formats}{limit}), or use File > Add audio files.")


@dataclass(frozen=True)
class Hint:
    """What the empty list says, the picker's placeholder, and the offered action's key."""

    text: str
    picker: str
    action: str = ""  # "new_project", "new_folder" or none


@dataclass(frozen=True)
class Situation:
    phase: str  # CONNECTING, UNANSWERED (not yet answered), LISTING (projects coming), LISTED
    projects: int  # how many are listed
    project_name: str  # the open project ("" when none)
    folders_listed: bool  # the open project's folders have arrived
    folders: int
    folder_open: bool
    takes_listed: bool  # the open folder's takes have arrived
    upload_limit: str = ""  # "; up to 50 MB each" once the service said so
    formats: str = formats_in_words(None)  # the formats it takes, in words


def hint_for(s: Situation) -> Hint:
    if s.phase == CONNECTING:
        return Hint("Connecting to the VoxBooth service…", "Connecting…")
    if s.phase == UNANSWERED:
        return Hint("The VoxBooth service has not answered yet; your projects appear here as "
                    "soon as it does.", "Waiting for the service…")
    if s.phase == LISTING:
        return Hint("Loading your projects…", "Loading projects…")
    if s.projects == 0:
        return Hint("No project yet.\nA project keeps your takes in folders: make one to start "
                    "recording and converting.", "No project yet", "new_project")
    if not s.project_name:
        return Hint("Pick a project above, or make a new one.", "Pick a project", "new_project")
    if not s.folders_listed:
        return Hint(f"Opening “{s.project_name}”…", "")
    if s.folders == 0:
        return Hint(f"“{s.project_name}” has no folder yet: make one to keep its takes in.", "",
                    "new_folder")
    if not s.folder_open:
        return Hint("Pick a folder on the left to see its takes.", "")
    if not s.takes_listed:
        return Hint("Loading the takes…", "")
    return Hint(drop_hint(s.formats, s.upload_limit), "")


def drop_hint(formats: str, upload_limit: str) -> str:
    return DROP_HINT.format(formats=formats, limit=upload_limit)


class EmptyList(QObject):
    """Keeps the empty state of the takes list and the picker's placeholder up to date."""

    changed = Signal()

    def __init__(self, empty_state: EmptyState, picker: QComboBox, browser: TakesBrowser,
                 actions: dict[str, QAction], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.empty_state = empty_state
        self.picker = picker
        self.browser = browser
        self.actions = actions
        self.phase = CONNECTING
        self.upload_limit = ""
        self.formats = formats_in_words(None)  # all the studio can name, until the service says
        self._folders_of = ""  # the project whose folders have arrived
        self._takes_of = ""  # the folder whose takes have arrived
        browser.projects_loaded.connect(lambda: self.set_phase(LISTED))
        browser.folders_loaded.connect(self._on_folders)
        browser.takes_loaded.connect(self._on_takes)
        signals: list[SignalInstance] = [
            browser.projects.rowsInserted, browser.projects.rowsRemoved,
            browser.projects.modelReset, browser.folders.rowsInserted,
            browser.folders.rowsRemoved, browser.folders.modelReset,
            picker.currentIndexChanged]
        for signal in signals:
            signal.connect(self.refresh)
        self.refresh()

    # -- the connection ---------------------------------------------------------------------------
    def connecting(self) -> None:
        """The studio (re)starts reaching a service: what was listed is gone."""
        self.set_phase(CONNECTING)

    def answered(self, *_args: object) -> None:
        """The service answered: its projects are asked for next (they may be here already)."""
        if self.phase in (CONNECTING, UNANSWERED):
            self.set_phase(LISTING)

    def unanswered(self, *_args: object) -> None:
        """No answer: said so while nothing was ever listed; afterwards the banner says it."""
        if self.phase == CONNECTING:
            self.set_phase(UNANSWERED)

    def set_upload_limit(self, max_bytes: int, formats: tuple[str, ...] | None = None) -> None:
        """The service's upload limit and audio formats, said when a folder is empty."""
        self.upload_limit = f"; up to {max_bytes // 2**20} MB each"
        self.formats = formats_in_words(formats)
        self.refresh()

    def drop_hint(self) -> str:
        """What an empty folder's list says (the formats and the limit the service gave)."""
        return drop_hint(self.formats, self.upload_limit)

    def set_phase(self, phase: str) -> None:
        self.phase = phase
        self.refresh()

    # -- the lists --------------------------------------------------------------------------------
    def _on_folders(self) -> None:
        self._folders_of = self.browser.project_id
        self.refresh()

    def _on_takes(self) -> None:
        self._takes_of = self.browser.folder_id
        self.refresh()

    def situation(self) -> Situation:
        b = self.browser
        row = b.projects.row_of(b.project_id) if b.project_id else -1
        project = b.projects.project_at(row) if row >= 0 else None
        return Situation(
            phase=self.phase, projects=b.projects.rowCount(),
            project_name=project.name if project is not None else "",
            folders_listed=bool(b.project_id) and self._folders_of == b.project_id,
            folders=b.folders.rowCount(), folder_open=bool(b.folder_id),
            takes_listed=bool(b.folder_id) and self._takes_of == b.folder_id,
            upload_limit=self.upload_limit, formats=self.formats)

    def refresh(self, *_args: object) -> None:
        hint = hint_for(self.situation())
        action = self.actions.get(hint.action) if hint.action else None
        self.empty_state.say(hint.text, action)
        if hint.picker:
            self.picker.setPlaceholderText(hint.picker)
        self.changed.emit()
