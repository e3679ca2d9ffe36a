"""Help > Keyboard shortcuts: printed from the actions registry, then the keys the panels
declare on their own actions (the desk's R, script mode's N and P), so the list never disagrees
with what the keys do."""

from __future__ import annotations

import re

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from voxbooth.studio.actions import shortcut_rows

REGISTRY_PREFIX = "action_"  # object names `create_actions` gives the registry's actions


def panel_rows(window: QWidget | None) -> list[tuple[str, str, str]]:
    """("Desk", command, shortcut) for each panel action with a key, outside the registry."""
    if window is None:
        return []
    rows: list[tuple[str, str, str]] = []
    for action in window.findChildren(QAction):
        if action.objectName().startswith(REGISTRY_PREFIX) or action.shortcut().isEmpty():
            continue
        text = re.sub(r"^\W+|\W+$", "", action.text().replace("&", ""))  # "● Record"
        key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if ("Desk", text, key) not in rows:
            rows.append(("Desk", text, key))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows() + panel_rows(parent)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Menu", "Command", "Shortcut"])
        for row, values in enumerate(rows):
            for col, text in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(text))
        # the keys are what the artist came for: the command column gives way (eliding a long
        # command) so the Shortcut column is always in view, never scrolled off to the right
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(520, 560)
