"""The selected take's waveform with its f0 curve, a playhead, a selection, a punch-in region and
the words its transcript found missed, changed or added (`proof_marks`).

As in a DAW (Audacity, Audition, REAPER): a drag selects a time range, a click puts the playhead
(Shift+click extends the selection), the wheel scrolls, Ctrl+wheel zooms around the pointer, a
middle drag pans, and the view stays within the take. The selection is the loop region and the
punch-in region; its edges can be dragged; a right click offers edits of it as a new take.

As pyqtgraph's examples do it: every curve is created once and updated with `setData`; peak
downsampling and clip-to-view keep long takes fast; unvoiced f0 frames are NaN, drawn as gaps
with `connect="finite"`.
"""

from __future__ import annotations

import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")  # pyqtgraph must pick PySide6

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMenu, QVBoxLayout, QWidget

from voxbooth.studio.analysis import TakeAudio
from voxbooth.studio.entities import Proof
from voxbooth.studio.theme import plot_colours
from voxbooth.studio.widgets.proof_marks import ProofMarks
from voxbooth.studio.widgets.time_range import followed_view, take_span_s, zoomed_view
from voxbooth.studio.widgets.time_view import TimeViewBox

F0_RANGE_HZ = (50.0, 500.0)
SHORTEST_SELECTION_S = 0.05  # a shorter drag is a click (the playhead moves, nothing selected)
PREROLL_BRUSH = (128, 128, 128, 40)  # the pre-roll before a punch-in, still to be heard
PREROLL_HEARD_BRUSH = (128, 128, 128, 110)  # ... and the part of it already heard
PUNCH_BRUSH = (224, 27, 36, 50)
EDITS = {  # what the context menu offers for a selection; each is made as a new take
    "trim": "Trim to selection",
    "fade_in": "Fade in over selection",
    "fade_out": "Fade out over selection",
    "normalise": "Normalise selection",
}


def _band(brush: tuple[int, int, int, int]) -> pg.LinearRegionItem:
    band = pg.LinearRegionItem(values=(0.0, 0.0), movable=False, brush=pg.mkBrush(*brush),
                               pen=pg.mkPen(None))
    band.setZValue(-20)
    band.hide()
    return band


class WaveformView(QWidget):
    seek_requested = Signal(float)  # seconds, from a click on the plot (the player seeks)
    playhead_moved = Signal(float)  # seconds: the artist put the playhead there
    loop_changed = Signal(float, float)  # seconds: the selection, which is the loop region
    selection_changed = Signal(float, float)  # seconds: a new or changed selection
    selection_cleared = Signal()
    edit_requested = Signal(str, float, float)  # an `EDITS` key, the selection in seconds

    def __init__(self, dark: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        colours = plot_colours(dark)
        self.view = TimeViewBox()
        self.plot = pg.PlotWidget(background=colours["background"], viewBox=self.view)
        self.plot.setObjectName("waveformPlot")
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()  # pyqtgraph's "A" (auto-range): the view is always the take's
        self.plot.setYRange(-1.0, 1.0, padding=0.02)
        self.plot.setLabel("bottom", "time", units="s")
        self.plot.getAxis("left").setWidth(36)
        self.plot.showAxis("right")
        self.plot.getAxis("right").setLabel("f0", units="Hz")
        self.plot.setClipToView(True)
        self.plot.setDownsampling(auto=True, mode="peak")
        self.wave = self.plot.plot([], [], pen=pg.mkPen(colours["wave"], width=1))
        # f0 lives on its own ViewBox, scaled in Hz on the right axis; it takes no mouse (the
        # time view under it does) and follows the time view's span
        self.f0_box = pg.ViewBox(enableMenu=False)
        self.f0_box.setMouseEnabled(x=False, y=False)
        self.f0_box.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.f0_box.setEnabled(False)  # pyqtgraph's scene skips disabled items for the mouse
        self.plot.scene().addItem(self.f0_box)
        self.plot.getAxis("right").linkToView(self.f0_box)
        self.f0_box.setXLink(self.view)
        self.f0_box.setYRange(*F0_RANGE_HZ, padding=0)
        self.f0 = pg.PlotDataItem([], [], pen=pg.mkPen(colours["f0"], width=2), connect="finite")
        self.f0_box.addItem(self.f0)
        # the original's f0 behind a conversion's, dashed, for comparison (hidden otherwise)
        self.reference_f0 = pg.PlotDataItem(
            [], [], pen=pg.mkPen(colours["f0"], width=1, style=Qt.PenStyle.DashLine),
            connect="finite")
        self.reference_f0.setOpacity(0.6)
        self.f0_box.addItem(self.reference_f0)
        self.playhead = pg.InfiniteLine(0.0, angle=90, movable=False,
                                        pen=pg.mkPen(colours["playhead"], width=1))
        self.plot.addItem(self.playhead)
        # the selection: its edges drag, its body lets a drag through to make a new selection
        self.region = pg.LinearRegionItem(values=(0.0, 0.0), movable=True, swapMode="sort")
        self.region.movable = False  # body not movable; `setMovable` would freeze the edges too
        self.region.setAcceptHoverEvents(False)
        self.region.setZValue(-10)
        self.region.hide()
        self.plot.addItem(self.region)
        self.preroll_band, self.preroll_heard = _band(PREROLL_BRUSH), _band(PREROLL_HEARD_BRUSH)
        self.punch_band = _band(PUNCH_BRUSH)
        for band in (self.preroll_band, self.preroll_heard, self.punch_band):
            self.plot.addItem(band)
        self.punch_s: tuple[float, float, float] | None = None  # pre-roll start, start, end
        self._dragging = False
        self.follow_playhead = True  # the view pages when playback leaves it
        self.region.sigRegionChangeFinished.connect(self._on_region)
        self.view.sigResized.connect(self._sync_views)
        self.view.selecting.connect(self._on_selecting)
        self.view.selected.connect(self._on_selected)
        self.view.clicked.connect(self._on_click)
        self.view.context_requested.connect(self._show_menu)
        self.edit_actions = {key: QAction(text, self) for key, text in EDITS.items()}
        for key, action in self.edit_actions.items():
            action.triggered.connect(lambda _checked=False, k=key: self._request_edit(k))
        self.proof_label = QLabel("")  # the transcript's state, or the words to check
        self.proof_label.setObjectName("waveformProof")
        self.proof_label.setWordWrap(True)
        self.proof_label.hide()
        self.proof_marks = ProofMarks(self.plot, self.proof_label)
        self.duration_s = 0.0
        self._set_length(0.0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.proof_label)
        layout.addWidget(self.plot)

    def _sync_views(self) -> None:
        self.f0_box.setGeometry(self.view.sceneBoundingRect())

    def _set_length(self, duration_s: float) -> None:
        self.duration_s = duration_s
        self.view.set_take_length(duration_s)
        bounds = (0.0, take_span_s(duration_s))
        for item in (self.region, self.preroll_band, self.preroll_heard, self.punch_band):
            item.setBounds(bounds)
        self.zoom_fit()

    # -- the take ------------------------------------------------------------------------------
    def show_audio(self, audio: TakeAudio | None) -> None:
        if audio is None:
            self.wave.setData([], [])
            self.f0.setData([], [])
            self._set_length(0.0)
            return
        self.wave.setData(audio.peak_times_s, audio.peak_values)
        self.f0.setData(audio.f0_times_s, audio.f0_hz, connect="finite")
        voiced = audio.f0_hz[np.isfinite(audio.f0_hz)] if len(audio.f0_hz) else np.zeros(0)
        if len(voiced):
            low, high = float(np.percentile(voiced, 2)), float(np.percentile(voiced, 98))
            self.f0_box.setYRange(max(30.0, low * 0.8), high * 1.25, padding=0)
        self._set_length(audio.duration_s)
        selection = self.selection_s()
        if selection is not None and selection[1] > self.duration_s:  # kept, cut to this take
            self.set_selection(selection[0], min(selection[1], self.duration_s))

    def show_proof(self, proof: Proof | None) -> None:
        """The drawn take's transcript: its words to check marked where they are (None: no
        transcript to show, as for a conversion)."""
        self.proof_marks.show(proof)

    def show_reference_f0(self, audio: TakeAudio | None) -> None:
        """The original's pitch over the track heard (None: nothing to compare with)."""
        if audio is None:
            self.reference_f0.setData([], [])
        else:
            self.reference_f0.setData(audio.f0_times_s, audio.f0_hz, connect="finite")

    def has_reference_f0(self) -> bool:
        x, _y = self.reference_f0.getData()
        return x is not None and len(x) > 0

    def has_waveform(self) -> bool:
        x, _y = self.wave.getData()
        return x is not None and len(x) > 0

    # -- the playhead --------------------------------------------------------------------------
    def set_playhead(self, seconds: float) -> None:
        """Where playback is (pulled on a timer): the line, the pre-roll heard so far, and the
        view paged along when the playhead leaves it."""
        self.playhead.setValue(seconds)
        if self.punch_s is not None:
            preroll_start, start, _end = self.punch_s
            heard = min(max(seconds, preroll_start), start)
            self.preroll_heard.setRegion((preroll_start, heard))
            self.preroll_heard.setVisible(heard > preroll_start)
        if self.follow_playhead and not self._dragging:
            paged = followed_view(*self.view.visible_s(), seconds, self.duration_s)
            if paged is not None:
                self.view.show_span(*paged)

    def playhead_s(self) -> float:
        return float(self.playhead.value())

    def _on_click(self, seconds: float, modifiers: object) -> None:
        if not self.duration_s:
            return
        if isinstance(modifiers, Qt.KeyboardModifier) and \
                modifiers & Qt.KeyboardModifier.ShiftModifier:
            self._extend_selection(seconds)
            return
        self.playhead.setValue(seconds)
        self.seek_requested.emit(seconds)
        self.playhead_moved.emit(seconds)

    # -- zoom and scroll -----------------------------------------------------------------------
    def zoom_fit(self) -> None:
        self.view.show_span(0.0, take_span_s(self.duration_s))

    def zoom(self, factor: float) -> None:
        """factor < 1 zooms in around the playhead (the keys; the wheel zooms at the pointer)."""
        left, right = self.view.visible_s()
        self.view.show_span(*zoomed_view(left, right, self.playhead_s(), factor,
                                         self.duration_s))

    def zoom_to_selection(self) -> None:
        selection = self.selection_s()
        if selection is not None:
            self.view.show_span(*selection)

    def visible_s(self) -> tuple[float, float]:
        return self.view.visible_s()

    # -- the selection (the loop region, the punch-in region) ----------------------------------
    def selection_s(self) -> tuple[float, float] | None:
        if not self.region.isVisible():
            return None
        start, end = self.region.getRegion()
        return (float(start), float(end)) if end > start else None

    def set_selection(self, start_s: float, end_s: float) -> None:
        low, high = sorted((max(0.0, start_s), min(end_s, take_span_s(self.duration_s))))
        self.region.show()
        if tuple(self.region.getRegion()) == (low, high):
            self._on_region()  # shown again: say so, as a new selection would
        else:
            self.region.setRegion((low, high))  # -> _on_region

    def clear_selection(self) -> None:
        if self.region.isVisible():
            self.region.hide()
            self.region.setRegion((0.0, 0.0))
            self.selection_cleared.emit()

    def _extend_selection(self, seconds: float) -> None:
        current = self.selection_s()
        if current is None:
            self.set_selection(self.playhead_s(), seconds)
            return
        start, end = current
        if abs(seconds - start) < abs(seconds - end):
            self.set_selection(seconds, end)
        else:
            self.set_selection(start, seconds)

    def _on_selecting(self, start_s: float, end_s: float) -> None:
        self._dragging = True
        self.region.show()
        self.region.setRegion((start_s, end_s))  # drawn live; announced when let go

    def _on_selected(self, start_s: float, end_s: float) -> None:
        self._dragging = False
        if end_s - start_s < SHORTEST_SELECTION_S:
            self.region.setRegion((0.0, 0.0))
            self.region.hide()
            self.selection_cleared.emit()
            self._on_click(start_s, None)
            return
        self.set_selection(start_s, end_s)

    def _on_region(self) -> None:
        if self._dragging or not self.region.isVisible():
            return
        start, end = (float(v) for v in self.region.getRegion())
        if end <= start:
            return
        self.loop_changed.emit(start, end)
        self.selection_changed.emit(start, end)

    def set_loop_visible(self, visible: bool) -> None:
        """Loop on: the selection loops (the middle half of the view when there is none);
        loop off: the selection goes."""
        if visible:
            if self.selection_s() is None:
                left, right = self.view.visible_s()
                span = right - left
                self.set_selection(left + span * 0.25, left + span * 0.75)
            else:
                self._on_region()
        else:
            self.clear_selection()

    def loop_region_s(self) -> tuple[float, float] | None:
        return self.selection_s()

    # -- punch-in ------------------------------------------------------------------------------
    def show_punch(self, start_s: float, end_s: float, preroll_s: float) -> None:
        """Draws a punch-in over [start, end) and the pre-roll heard before it; `set_playhead`
        then fills the pre-roll as it plays."""
        preroll_start = max(0.0, start_s - preroll_s)
        self.punch_s = (preroll_start, start_s, end_s)
        self.preroll_band.setRegion((preroll_start, start_s))
        self.preroll_band.setVisible(start_s > preroll_start)
        self.preroll_heard.hide()
        self.punch_band.setRegion((start_s, end_s))
        self.punch_band.show()

    def clear_punch(self) -> None:
        self.punch_s = None
        for band in (self.preroll_band, self.preroll_heard, self.punch_band):
            band.hide()

    # -- edits of the selection ----------------------------------------------------------------
    def context_menu(self) -> QMenu:
        """What a right click offers: edits of the selection (each as a new take), zooms."""
        menu = QMenu(self)
        has_selection = self.selection_s() is not None
        for action in self.edit_actions.values():
            action.setEnabled(has_selection)
            menu.addAction(action)
        menu.addSeparator()
        zoom_in = menu.addAction("Zoom to selection", self.zoom_to_selection)
        zoom_in.setEnabled(has_selection)
        menu.addAction("Zoom to fit", self.zoom_fit)
        clear = menu.addAction("Clear selection", self.clear_selection)
        clear.setEnabled(has_selection)
        return menu

    def _show_menu(self, where: QPoint) -> None:
        menu = self.context_menu()
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(where)

    def _request_edit(self, key: str) -> None:
        selection = self.selection_s()
        if selection is not None:
            self.edit_requested.emit(key, *selection)
