"""The order's voices, one block each: the voice's name, then its accent, semitones and narration
style, each setting on a line of its own.

A table with a column per setting squeezed its combos to a quarter of the panel's width, cutting
accent and style names off ("American Engl…"). Here each setting is a form row that wraps its
field under its label when the panel is narrow, so a combo always gets the panel's width and
shows its whole name; the blocks scroll vertically when there are more voices than fit.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

COL_VOICE, COL_ACCENT, COL_SEMITONES, COL_STYLE = range(4)
SETTING_LABELS = {COL_ACCENT: "Accent", COL_SEMITONES: "Semitones", COL_STYLE: "Narration"}


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
        """One voice's block: its name, then each setting (by column) on a labelled line."""
        block = QFrame()
        block.setObjectName("orderVoice")
        form = QFormLayout(block)
        form.setContentsMargins(0, 2, 0, 6)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        font = name.font()
        font.setBold(True)
        name.setFont(font)
        form.addRow(name)
        for column, widget in settings.items():
            if isinstance(widget, QComboBox):
                # as wide as the panel, never narrower than its longest name needs
                widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
                widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            form.addRow(SETTING_LABELS[column], widget)
        self._blocks.insertWidget(len(self._rows), block)
        self._rows.append({COL_VOICE: name, **settings})
