"""Statistics and credits: converted time per month and conversions by voice, as bar charts
in the colours of the current theme (light or dark), with plain axis numbers."""

from __future__ import annotations

import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget


def _get(obj: Any, name: str, default: Any = None) -> Any:
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def month_minutes(stats: Any) -> list[tuple[str, float]]:
    """(month, minutes converted), oldest first, the current month last."""
    time_converted = _get(stats, "time_converted", {})
    months = [(str(_get(m, "month", ""))[:7], float(_get(m, "duration", 0) or 0) / 60.0)
              for m in _get(time_converted, "previous_monthes", []) or []]
    months.sort()
    months.append(("this month", float(_get(time_converted, "current_month", 0) or 0) / 60.0))
    return months


def voice_counts(stats: Any) -> list[tuple[str, int]]:
    rows = [(str(_get(m, "name", "") or "?"), int(_get(m, "conversions_count", 0) or 0))
            for m in _get(stats, "models", []) or []]
    return sorted(rows, key=lambda r: -r[1])


def chart_colours(palette: QPalette) -> dict[str, str]:
    """Background, text and bar colours of a chart drawn on a window of this palette."""
    return {"background": palette.color(QPalette.ColorRole.Base).name(),
            "text": palette.color(QPalette.ColorRole.WindowText).name(),
            "bar": palette.color(QPalette.ColorRole.Highlight).name()}


def _bar_chart(title: str, rows: list[tuple[str, float]] | list[tuple[str, int]],
               units: str, palette: QPalette) -> pg.PlotWidget:
    colours = chart_colours(palette)
    plot = pg.PlotWidget(background=colours["background"])
    plot.setTitle(title, color=colours["text"])
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    heights = [float(v) for _k, v in rows]
    plot.addItem(pg.BarGraphItem(x=list(range(len(rows))), height=heights, width=0.6,
                                 brush=colours["bar"], pen=pg.mkPen(None)))
    plot.getAxis("bottom").setTicks([[(i, k) for i, (k, _v) in enumerate(rows)]])
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        axis.enableAutoSIPrefix(False)  # "minutes", never "minutes (x0.001)"
        axis.setPen(pg.mkPen(colours["text"]))
        axis.setTextPen(pg.mkPen(colours["text"]))
    plot.setLabel("left", units, color=colours["text"])
    plot.setYRange(0.0, max([*heights, 1.0]) * 1.1, padding=0)  # bars start at zero
    plot.setMinimumHeight(180)
    return plot


class StatsDialog(QDialog):
    def __init__(self, stats: Any, credits: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Statistics and credits")
        conversions = _get(stats, "conversions", {})
        total_min = float(_get(_get(stats, "time_converted", {}), "total", 0) or 0) / 60.0
        summary = (f"Converted {total_min:.1f} min in {int(_get(conversions, 'total', 0) or 0)} "
                   f"conversions: {int(_get(conversions, 'completed', 0) or 0)} done, "
                   f"{int(_get(conversions, 'in_progress', 0) or 0)} running, "
                   f"{int(_get(conversions, 'failed', 0) or 0)} failed.")
        self.summary = QLabel(summary)
        self.credits = QLabel(f"Credits: {self._credits_text(credits)}")
        palette = parent.palette() if parent is not None else QApplication.palette()
        self.months = _bar_chart("Converted time per month", month_minutes(stats), "minutes",
                                 palette)
        self.voices = _bar_chart("Conversions by voice", voice_counts(stats) or [("none", 0)],
                                 "conversions", palette)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.summary, self.credits, self.months, self.voices, buttons):
            layout.addWidget(widget)
        self.resize(640, 560)

    @staticmethod
    def _credits_text(credits: Any) -> str:
        if credits is None:
            return "unknown"
        for name in ("credits", "available", "balance", "remaining"):
            value = _get(credits, name)
            if value is not None:
                return str(value)
        return str(credits)
