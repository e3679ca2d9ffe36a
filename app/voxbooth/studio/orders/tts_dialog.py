"""Text to speech: an original made from text, in a detected or chosen language."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

LANGUAGES = (("Detect the language", ""), ("English", "en"), ("Spanish", "es"),
             ("French", "fr"), ("German", "de"), ("Italian", "it"), ("Portuguese", "pt"),
             ("Dutch", "nl"), ("Swedish", "sv"), ("Japanese", "ja"))


class TtsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Text to speech")
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("Type or paste what the voice should say")
        self.language = QComboBox()
        for name, code in LANGUAGES:
            self.language.addItem(name, code)
        self.label = QLineEdit()
        self.label.setPlaceholderText("Label in the takes list (optional)")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Make original")
        form = QFormLayout(self)
        form.addRow("Text", self.text)
        form.addRow("Language", self.language)
        form.addRow("Label", self.label)
        form.addRow(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

    def values(self) -> tuple[str, str | None, str | None]:
        return (self.text.toPlainText().strip(), str(self.language.currentData()) or None,
                self.label.text().strip() or None)
