"""The waveform's ViewBox, with a DAW's mouse instead of pyqtgraph's: a left drag selects a time
range, a click puts the playhead, the wheel scrolls along time, Ctrl+wheel zooms around the
pointer, a middle drag (or a drag on the time axis) pans; the view never leaves the take.

pyqtgraph's ViewBox pans on a left drag, zooms on the wheel and on a right drag, and lets the view
wander into negative time; overriding `mouseDragEvent`, `wheelEvent` and `mouseClickEvent` is the
way its documentation gives to change that.
"""

from __future__ import annotations

import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")  # pyqtgraph must pick PySide6

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal

from voxbooth.studio.widgets.time_range import (
    MIN_SPAN_S,
    WHEEL_NOTCH,
    ZOOM_PER_NOTCH,
    clamp_view,
    scrolled_view,
    take_span_s,
    zoomed_view,
)


class TimeViewBox(pg.ViewBox):
    """Times in seconds into the take, clamped to it. GUI thread."""

    selecting = Signal(float, float)  # a left drag in progress: start, end (ordered)
    selected = Signal(float, float)  # the drag let go
    clicked = Signal(float, object)  # a left click: seconds, the keyboard modifiers held
    context_requested = Signal(object)  # a right click: the global QPoint for a menu

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.duration_s = 0.0
        self.setMouseEnabled(x=True, y=False)
        self.set_take_length(0.0)

    # -- the span shown --------------------------------------------------------------------------
    def set_take_length(self, duration_s: float) -> None:
        """Limits the view to [0, duration]: pyqtgraph's own paths (axis drags, resizing) obey
        the same bounds as ours."""
        self.duration_s = max(0.0, duration_s)
        span = take_span_s(self.duration_s)
        self.setLimits(xMin=0.0, xMax=span, minXRange=min(MIN_SPAN_S, span), maxXRange=span)

    def visible_s(self) -> tuple[float, float]:
        left, right = self.viewRange()[0]
        return float(left), float(right)

    def show_span(self, left_s: float, right_s: float) -> None:
        left, right = clamp_view(left_s, right_s, self.duration_s)
        self.setXRange(left, right, padding=0)

    def time_at(self, pos: QPointF) -> float:
        """Seconds at a point in this item's coordinates, within the take."""
        seconds = float(self.mapToView(pos).x())
        return min(max(seconds, 0.0), self.duration_s)

    # -- the mouse -------------------------------------------------------------------------------
    def mouseDragEvent(self, ev: Any, axis: int | None = None) -> None:
        if axis == 1:  # a drag on the level or f0 axis: nothing to move
            ev.ignore()
            return
        if axis == 0 or ev.button() == Qt.MouseButton.MiddleButton:
            ev.accept()
            self._pan(ev)
            return
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        start_s, end_s = sorted((self.time_at(ev.buttonDownPos()), self.time_at(ev.pos())))
        if ev.isFinish():
            self.selected.emit(start_s, end_s)
        else:
            self.selecting.emit(start_s, end_s)

    def _pan(self, ev: Any) -> None:
        pixels = float(ev.lastPos().x() - ev.pos().x())
        seconds = pixels * float(self.viewPixelSize()[0])
        left, right = self.visible_s()
        self.show_span(left + seconds, right + seconds)

    def wheelEvent(self, ev: Any, axis: int | None = None) -> None:
        if axis == 1:
            ev.ignore()
            return
        ev.accept()
        notches = ev.delta() / WHEEL_NOTCH
        left, right = self.visible_s()
        if ev.modifiers() & Qt.KeyboardModifier.ControlModifier:
            centre_s = float(self.mapToView(ev.pos()).x())
            self.show_span(*zoomed_view(left, right, centre_s, ZOOM_PER_NOTCH ** notches,
                                        self.duration_s))
        else:  # the wheel turned towards the artist (a negative delta) moves later in the take
            self.show_span(*scrolled_view(left, right, -notches, self.duration_s))

    def mouseClickEvent(self, ev: Any) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self.clicked.emit(self.time_at(ev.pos()), ev.modifiers())
        elif ev.button() == Qt.MouseButton.RightButton:
            ev.accept()
            self.context_requested.emit(ev.screenPos().toPoint())
        else:
            ev.ignore()
