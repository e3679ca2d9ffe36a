"""Help > Keyboard shortcuts opens with its keys in view; the stats charts are drawn in the
theme's colours (light or dark) with plain axis labels."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from voxbooth.studio.dialogs.shortcuts import ShortcutsDialog
from voxbooth.studio.dialogs.stats import StatsDialog
from voxbooth.studio.theme import dark_palette


def test_the_shortcut_column_is_in_view_when_the_list_opens(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    long = QAction("Record the region of the last take again with its pre-roll and a count-in "
                   "(punch-in)", window)
    long.setShortcut(QKeySequence("Ctrl+Shift+Alt+R"))
    window.addAction(long)
    dialog = ShortcutsDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table
    right_edge = table.columnViewportPosition(2) + table.columnWidth(2)
    assert table.columnViewportPosition(2) >= 0 and right_edge <= table.viewport().width()
    assert table.horizontalScrollBar().maximum() == 0  # nothing to scroll to
    widest = max(table.fontMetrics().horizontalAdvance(table.item(r, 2).text())
                 for r in range(table.rowCount()))
    assert table.columnWidth(2) >= widest
    keys = [table.item(r, 2).text() for r in range(table.rowCount())]
    assert QKeySequence("Ctrl+Shift+Alt+R").toString(QKeySequence.SequenceFormat.NativeText) \
        in keys


STATS = {"time_converted": {"total": 0.03, "current_month": 0.03, "previous_monthes": []},
         "conversions": {"total": 1, "completed": 1, "in_progress": 0, "failed": 0},
         "models": [{"id": "a", "name": "Elena", "conversions_count": 1, "converted_time": 0.03}]}


@pytest.mark.parametrize("dark", [False, True])
def test_stats_charts_follow_the_theme_with_plain_axis_labels(qtbot: QtBot, dark: bool) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    palette = dark_palette() if dark else QApplication.style().standardPalette()
    parent.setPalette(palette)
    dialog = StatsDialog(STATS, {"credits": 3}, parent)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    for plot in (dialog.months, dialog.voices):
        image = plot.grab().toImage()
        corner = image.pixelColor(image.width() - 3, 3)
        assert corner == palette.color(palette.ColorRole.Base)  # not pyqtgraph's black
        assert (corner.lightness() < 128) == dark
        axis = plot.getAxis("left")
        assert "x0." not in axis.labelString() and "(x" not in axis.labelString()
        assert QColor(axis.textPen().color()) == palette.color(palette.ColorRole.WindowText)
