"""Script mode on the desk: the current line large, next/previous, takes per line, star the best."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from voxbooth.studio.desk.script import Script


class ScriptPanel(QWidget):
    star_requested = Signal(str)  # the take path starred as best of its line

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.script = Script()
        self.line_label = QLabel("No script: open or paste one to record line by line")
        self.line_label.setObjectName("deskScriptLine")
        self.line_label.setWordWrap(True)
        self.line_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.line_label.setStyleSheet("font-size: 18px;")
        self.position_label = QLabel("")
        self.open_button = QPushButton("Open script…")
        self.paste_button = QPushButton("Paste script…")
        self.previous_button = QPushButton("◀ Previous line")
        self.next_button = QPushButton("Next line ▶")
        self.star_button = QPushButton("★ Best take")
        self.star_button.setToolTip("Star the last take of this line as its best")
        row = QHBoxLayout()
        for widget in (self.open_button, self.paste_button, self.previous_button,
                       self.next_button, self.star_button, self.position_label):
            row.addWidget(widget)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line_label, 1)
        layout.addLayout(row)
        self.open_button.clicked.connect(self._open)
        self.paste_button.clicked.connect(self._paste)
        self.previous_button.clicked.connect(lambda: self.step_line(-1))
        self.next_button.clicked.connect(lambda: self.step_line(1))
        self.star_button.clicked.connect(self._star_last)
        self._refresh()

    def set_text(self, text: str) -> None:
        self.script = Script(text)
        self._refresh()

    def step_line(self, step: int) -> None:
        self.script.move(step)
        self._refresh()

    def next_label(self) -> str:
        return self.script.label_for_next_take() if self.script else ""

    def add_take(self, path: str) -> None:
        self.script.add_take(path)
        self._refresh()

    def _star_last(self) -> None:
        takes = self.script.takes_of_current()
        if takes:
            self.script.star(takes[-1])
            self.star_requested.emit(takes[-1])
            self._refresh()

    def _open(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open a script", "", "Text (*.txt);;All (*)")
        if name:
            # a script is a small text file the artist picked: read at once, no worker needed
            self.set_text(Path(name).read_text(encoding="utf-8", errors="replace"))

    def _paste(self) -> None:
        text, ok = QInputDialog.getMultiLineText(self, "Paste a script",
                                                 "One line per take:")
        if ok:
            self.set_text(text)

    def _refresh(self) -> None:
        script = self.script
        has = bool(script)
        for button in (self.previous_button, self.next_button, self.star_button):
            button.setEnabled(has)
        if not has:
            self.position_label.setText("")
            return
        self.line_label.setText(script.line)
        takes = script.takes_of_current()
        best = script.best_of_current()
        star = f", best: take {takes.index(best) + 1}" if best in takes else ""
        self.position_label.setText(f"line {script.current + 1} of {len(script.lines)} · "
                                    f"{len(takes)} take(s){star}")
