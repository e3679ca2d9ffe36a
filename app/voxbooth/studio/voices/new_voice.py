""""New voice from samples": name a private voice and upload 10 s – 10 min samples to it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from voxbooth.studio.service import voices as service
from voxbooth.studio.service.requests import Requests


class NewVoiceDialog(QDialog):
    def __init__(self, requests: Requests, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New voice from samples")
        self.requests = requests
        self.created_id = ""
        self.name = QLineEdit()
        self.name.setPlaceholderText("My narrator voice")
        self.files = QListWidget()
        self.add_files = QPushButton("Add samples…")
        self.note = QLabel("Each sample: 10 s to 10 min of one speaker, little noise. "
                           "The voice appears in the library once it is processed.")
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
        layout.addWidget(self.add_files)
        layout.addWidget(self.note)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.add_files.clicked.connect(self._pick)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def add_paths(self, paths: list[str]) -> None:
        for path in paths:
            self.files.addItem(path)

    def _pick(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Voice samples", "",
                                                "Audio (*.wav *.flac *.mp3 *.ogg *.m4a)")
        self.add_paths(names)

    def paths(self) -> list[Path]:
        return [Path(self.files.item(i).text()) for i in range(self.files.count())]

    def submit(self) -> None:
        name = self.name.text().strip()
        if not name or not self.paths():
            self.note.setText("Give the voice a name and add at least one sample.")
            return
        backend = self.requests.backend
        if backend is None:
            self.note.setText("The service is not reachable yet; try again in a moment.")
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
        from voxbooth.studio.service.errors import user_message

        self.buttons.setEnabled(True)
        self.note.setText(f"Not created: {user_message(exc)}")
