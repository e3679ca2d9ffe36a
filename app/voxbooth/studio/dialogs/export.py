"""What an export writes: its files' names from a template, their format, and the zip's name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

FORMATS = (  # the export route's `format`, what the artist reads
    ("original", "As recorded"),
    ("wav", "WAV 24-bit"),
    ("flac", "FLAC"),
    ("mp3", "MP3"),
)
TEMPLATE_HINT = "{line} - {voice} (fields: {project} {folder} {line} {take} {voice})"


def zip_name(name: str, fallback: str) -> str:
    """The suggested zip's name: `name` made safe as a file name anywhere, ".zip" added."""
    safe = re.sub(r"\s+", " ", re.sub(r'[<>:"/\\|?*\x00-\x1f]+', " ", name)).strip(" .")
    return f"{safe[:120] or fallback}.zip"


@dataclass(frozen=True)
class ExportChoice:
    dest: Path
    name_template: str | None  # None: the service's default names
    audio_format: str


class ExportDialog(QDialog):
    def __init__(self, suggested: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export to zip")
        self.dest_edit = QLineEdit(str(suggested))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.dest_edit, 1)
        where.addWidget(browse)
        self.template_edit = QLineEdit()
        self.template_edit.setPlaceholderText(TEMPLATE_HINT)
        self.template_edit.setToolTip("File names inside the zip, from the fields in braces; "
                                      "empty: the service's default")
        self.format_box = QComboBox()
        for value, text in FORMATS:
            self.format_box.addItem(text, value)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Save as", where)
        form.addRow("File names", self.template_edit)
        form.addRow("Format", self.format_box)
        form.addRow(buttons)

    def _browse(self) -> None:
        dest, _ = QFileDialog.getSaveFileName(self, "Export to zip", self.dest_edit.text(),
                                              "Zip (*.zip)")
        if dest:
            self.dest_edit.setText(dest)

    def choice(self) -> ExportChoice:
        template = self.template_edit.text().strip()
        return ExportChoice(Path(self.dest_edit.text()), template or None,
                            str(self.format_box.currentData()))
