""""New voice from samples": name a private voice and upload samples to it.

Each sample's length is checked as soon as it is added, against the service's range for voice
samples (`GET /api/limits`, kept in `ServiceRules`; the studio keeps no copy), so a sample that
is too short or too long is named before anything is sent, never after a long upload.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from voxbooth.studio.formats import file_dialog_filter
from voxbooth.studio.service import voices as service
from voxbooth.studio.service.errors import user_message
from voxbooth.studio.service.requests import Requests
from voxbooth.studio.uploadcheck import FileCheck, check_sample, say_duration

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
CHECKING = "checking its length…"


class NewVoiceDialog(QDialog):
    def __init__(self, requests: Requests, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New voice from samples")
        self.requests = requests
        self.created_id = ""
        self.checks: dict[str, FileCheck | None] = {}  # path -> its check (None: running)
        self.name = QLineEdit()
        self.name.setPlaceholderText("My narrator voice")
        self.files = QListWidget()
        self.files.setObjectName("voiceSamples")
        self.files.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.add_files = QPushButton("Add samples…")
        self.remove_files = QPushButton("Remove")
        self.note = QLabel(self.rule_text())
        self.note.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create voice")
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Samples", self.files)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        row = QVBoxLayout()
        row.addWidget(self.add_files)
        row.addWidget(self.remove_files)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.add_files.clicked.connect(self._pick)
        self.remove_files.clicked.connect(self._remove_selected)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def rule_text(self) -> str:
        """What a sample must be, in the service's own numbers."""
        rules = self.requests.rules
        span = (f"{say_duration(rules.sample_min_s)} to {say_duration(rules.sample_max_s)}"
                if rules is not None else "a few minutes")
        return (f"Each sample: {span} of one speaker, little noise. "
                "The voice appears in the library once it is processed.")

    def add_paths(self, paths: list[str]) -> None:
        """Adds samples; each one's length is checked in a worker against the service's range."""
        for path in paths:
            if path in self.checks:
                continue
            item = QListWidgetItem(f"{Path(path).name} — {CHECKING}")
            item.setData(PATH_ROLE, path)
            self.files.addItem(item)
            self.checks[path] = None
            self._start_check(path)

    def _start_check(self, path: str) -> None:
        rules = self.requests.rules
        if rules is None:  # the service has not said its range yet: checked once it has
            self._show_check(path, None)
            return
        self.requests.run(check_sample, Path(path), rules.sample_min_s, rules.sample_max_s,
                          rules.max_upload_bytes, rules.audio_formats,
                          on_result=partial(self._checked, path),
                          on_error=partial(self._check_failed, path))

    def _checked(self, path: str, check: FileCheck) -> None:
        if path in self.checks:
            self.checks[path] = check
            self._show_check(path, check)

    def _check_failed(self, path: str, exc: BaseException) -> None:
        self._checked(path, FileCheck(Path(path), f"{Path(path).name}: {user_message(exc)}"))

    def _show_check(self, path: str, check: FileCheck | None) -> None:
        item = self._item(path)
        if item is None:
            return
        name = Path(path).name
        if check is None:
            item.setText(name)
        elif check.ok:
            item.setText(f"{name} — {say_duration(check.duration_s)}")
            item.setForeground(self.palette().brush(QPalette.ColorRole.Text))
        else:
            item.setText(f"✗ {check.problem}")
            item.setForeground(QBrush(Qt.GlobalColor.red))
        self._refresh_note()

    def _refresh_note(self) -> None:
        problems = self.problems()
        self.note.setText("The service would not take it: " + "; ".join(problems)
                          + ". Remove it or add another." if problems else self.rule_text())

    def _item(self, path: str) -> QListWidgetItem | None:
        for row in range(self.files.count()):
            item = self.files.item(row)
            if item.data(PATH_ROLE) == path:
                return item
        return None

    def _remove_selected(self) -> None:
        for item in self.files.selectedItems():
            self.checks.pop(str(item.data(PATH_ROLE)), None)
            self.files.takeItem(self.files.row(item))
        self._refresh_note()

    def _pick(self) -> None:
        rules = self.requests.rules
        names, _ = QFileDialog.getOpenFileNames(
            self, "Voice samples", "",
            file_dialog_filter(rules.audio_formats if rules is not None else None))
        self.add_paths(names)

    def paths(self) -> list[Path]:
        return [Path(str(self.files.item(i).data(PATH_ROLE))) for i in range(self.files.count())]

    def problems(self) -> list[str]:
        return [c.problem for c in self.checks.values() if c is not None and c.problem]

    def submit(self) -> None:
        name = self.name.text().strip()
        if not name or not self.paths():
            self.note.setText("Give the voice a name and add at least one sample.")
            return
        backend = self.requests.backend
        if backend is None:
            self.note.setText("The service is not reachable yet; try again in a moment.")
            return
        unchecked = [path for path, check in self.checks.items() if check is None]
        if unchecked:
            self.note.setText("Checking the samples' length; try again in a moment.")
            for path in unchecked:
                self._start_check(path)
            if any(check is None for check in self.checks.values()):
                return
        problems = self.problems()
        if problems:  # nothing is sent: the service would refuse these after the upload
            self.note.setText("Not sent: " + "; ".join(problems) + ". Remove it or add another.")
            return
        self.buttons.setEnabled(False)
        self.progress.show()
        self.requests.run(service.create_private_voice, backend, name, self.paths(),
                          on_result=self._created, on_error=self._failed,
                          on_progress=self._on_progress)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _created(self, voice_id: str) -> None:
        self.created_id = voice_id
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.progress.hide()
        self.note.setText(f"Not created: {user_message(exc)}")
