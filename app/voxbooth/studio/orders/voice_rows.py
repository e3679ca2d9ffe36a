"""The order's voices, one block each: the voice's name and semitones, then its accent and its
narration style, each combo on a line of its own.

A table with a column per setting squeezed its combos to a quarter of the panel's width, cutting
accent and style names off ("American Engl…"). Here each combo spans the panel's width, and is
never narrower than its longest name; the blocks scroll vertically when more voices are ordered
than fit, and at least one whole block is always shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

COL_VOICE, COL_ACCENT, COL_SEMITONES, COL_STYLE = range(4)
SETTING_NAMES = {COL_ACCENT: "Accent", COL_SEMITONES: "Semitones",
                 COL_STYLE: "Narration style"}
# where each setting sits in its voice's block: (row, column, columns spanned)
_PLACES = {COL_SEMITONES: (0, 1, 1), COL_ACCENT: (1, 0, 2), COL_STYLE: (2, 0, 2)}


class VoiceRows(QScrollArea):
    """Blocks of per-voice settings; `cellWidget(row, COL_...)` finds a voice's widget."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        inner = QWidget()
        self._blocks = QVBoxLayout(inner)
        self._blocks.setContentsMargins(4, 4, 4, 4)
        self._blocks.addStretch(1)
        self.setWidget(inner)
        self._rows: list[dict[int, QWidget]] = []

    def rowCount(self) -> int:  # the name QTableWidget users know
        return len(self._rows)

    def cellWidget(self, row: int, column: int) -> QWidget | None:
        if not 0 <= row < len(self._rows):
            return None
        return self._rows[row].get(column)

    def clear(self) -> None:
        for _ in self._rows:
            item = self._blocks.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self._rows = []

    def add_row(self, name: QLabel, settings: dict[int, QWidget]) -> None:
        """One voice's block: its name and semitones, then its accent, then its style."""
        block = QFrame()
        block.setObjectName("orderVoice")
        grid = QGridLayout(block)
        grid.setContentsMargins(0, 2, 0, 6)
        grid.setColumnStretch(0, 1)
        font = name.font()
        font.setBold(True)
        name.setFont(font)
        grid.addWidget(name, 0, 0)
        for column, widget in settings.items():
            widget.setToolTip(SETTING_NAMES[column])
            widget.setAccessibleName(f"{SETTING_NAMES[column]} for {name.text()}")
            if isinstance(widget, QComboBox):
                # as wide as the panel, never narrower than its longest name needs
                widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
                widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            row, col, span = _PLACES[column]
            grid.addWidget(widget, row, col, 1, span)
        self._blocks.insertWidget(len(self._rows), block)
        self._rows.append({COL_VOICE: name, **settings})
        margins = self._blocks.contentsMargins()
        self.setMinimumHeight(block.sizeHint().height() + margins.top() + margins.bottom()
                              + 2 * self.frameWidth())  # one whole voice, whatever the size
