"""Plots follow the theme while the studio runs.

Qt widgets take a new palette by themselves when the OS switches between dark and light;
pyqtgraph's plots keep the colours they were made with, so they are given the new theme's.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from voxbooth.studio.desk.live_view import LiveView
from voxbooth.studio.theme import live_colours, palette_is_dark, plot_colours
from voxbooth.studio.widgets.waveform import WaveformView

PALETTE_EVENTS = (QEvent.Type.ApplicationPaletteChange, QEvent.Type.PaletteChange)


def recolour_plots(root: QWidget, dark: bool) -> None:
    """The waveform and live views under `root` in the colours of a dark or light theme."""
    colours, live = plot_colours(dark), live_colours(dark)
    for widget in root.findChildren(QWidget):
        if isinstance(widget, WaveformView):
            widget.plot.setBackground(colours["background"])
            widget.wave.setPen(pg.mkPen(colours["wave"], width=1))
            widget.f0.setPen(pg.mkPen(colours["f0"], width=2))
            widget.playhead.setPen(pg.mkPen(colours["playhead"], width=1))
        elif isinstance(widget, LiveView):
            widget.plots.setBackground(live["background"])
            widget.wave_curve.setPen(pg.mkPen(live["wave"], width=1))


class PlotColours(QObject):
    """Recolours the window's plots after a palette change (a burst of events, one recolour)."""

    def __init__(self, window: QWidget, dark: bool) -> None:
        super().__init__(window)
        self.target = window
        self.dark = dark  # what the plots were made with
        self.pending = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.target and event.type() in PALETTE_EVENTS and not self.pending:
            self.pending = True
            # once every widget has the new palette; `self` as the context drops the call if
            # the window (and this filter, its child) is deleted before it runs
            QTimer.singleShot(0, self, self._recolour)
        return False

    def _recolour(self) -> None:
        self.pending = False
        dark = palette_is_dark(self.target.palette())
        if dark != self.dark:
            self.dark = dark
            recolour_plots(self.target, dark)
