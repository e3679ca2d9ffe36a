"""The selected take's waveform with its f0 curve, a playhead and a loop region.

As pyqtgraph's examples do it: every curve is created once and updated with `setData`; peak
downsampling and clip-to-view keep long takes fast; unvoiced f0 frames are NaN, drawn as gaps
with `connect="finite"`.
"""

from __future__ import annotations

import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")  # pyqtgraph must pick PySide6

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from voxbooth.studio.analysis import TakeAudio
from voxbooth.studio.theme import plot_colours

F0_RANGE_HZ = (50.0, 500.0)


class WaveformView(QWidget):
    seek_requested = Signal(float)  # seconds, from a click on the plot
    loop_changed = Signal(float, float)  # seconds

    def __init__(self, dark: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        colours = plot_colours(dark)
        self.plot = pg.PlotWidget(background=colours["background"])
        self.plot.setObjectName("waveformPlot")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=True, y=False)  # zoom and scroll along time only
        self.plot.setYRange(-1.0, 1.0, padding=0.02)
        self.plot.setLabel("bottom", "time", units="s")
        self.plot.getAxis("left").setWidth(36)
        self.plot.showAxis("right")
        self.plot.getAxis("right").setLabel("f0", units="Hz")
        self.plot.setClipToView(True)
        self.plot.setDownsampling(auto=True, mode="peak")
        self.wave = self.plot.plot([], [], pen=pg.mkPen(colours["wave"], width=1))
        # f0 lives on its own ViewBox, scaled in Hz on the right axis
        self.f0_box = pg.ViewBox()
        self.f0_box.setMouseEnabled(x=False, y=False)
        self.plot.scene().addItem(self.f0_box)
        self.plot.getAxis("right").linkToView(self.f0_box)
        self.f0_box.setXLink(self.plot.getPlotItem().vb)
        self.f0_box.setYRange(*F0_RANGE_HZ, padding=0)
        self.f0 = pg.PlotDataItem([], [], pen=pg.mkPen(colours["f0"], width=2), connect="finite")
        self.f0_box.addItem(self.f0)
        self.playhead = pg.InfiniteLine(0.0, angle=90, movable=False,
                                        pen=pg.mkPen(colours["playhead"], width=1))
        self.plot.addItem(self.playhead)
        self.region = pg.LinearRegionItem(values=(0.0, 0.0), movable=True)
        self.region.setZValue(-10)
        self.region.hide()
        self.plot.addItem(self.region)
        self.region.sigRegionChangeFinished.connect(self._on_region)
        self.plot.getPlotItem().vb.sigResized.connect(self._sync_views)
        self.plot.scene().sigMouseClicked.connect(self._on_click)
        self.duration_s = 0.0
        self.plot.setXRange(0.0, 1.0, padding=0.01)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def _sync_views(self) -> None:
        self.f0_box.setGeometry(self.plot.getPlotItem().vb.sceneBoundingRect())

    def show_audio(self, audio: TakeAudio | None) -> None:
        if audio is None:
            self.wave.setData([], [])
            self.f0.setData([], [])
            self.duration_s = 0.0
            return
        self.wave.setData(audio.peak_times_s, audio.peak_values)
        self.f0.setData(audio.f0_times_s, audio.f0_hz, connect="finite")
        self.duration_s = audio.duration_s
        voiced = audio.f0_hz[np.isfinite(audio.f0_hz)] if len(audio.f0_hz) else np.zeros(0)
        if len(voiced):
            low, high = float(np.percentile(voiced, 2)), float(np.percentile(voiced, 98))
            self.f0_box.setYRange(max(30.0, low * 0.8), high * 1.25, padding=0)
        self.zoom_fit()

    def has_waveform(self) -> bool:
        x, _y = self.wave.getData()
        return x is not None and len(x) > 0

    def set_playhead(self, seconds: float) -> None:
        self.playhead.setValue(seconds)

    # -- zoom and scroll ----------------------------------------------------------------------
    def zoom_fit(self) -> None:
        self.plot.setXRange(0.0, max(self.duration_s, 0.1), padding=0.01)

    def zoom(self, factor: float) -> None:
        """factor < 1 zooms in around the playhead."""
        left, right = self.plot.viewRange()[0]
        centre = float(self.playhead.value())
        half = (right - left) * factor / 2
        self.plot.setXRange(max(0.0, centre - half), centre + half, padding=0)

    # -- loop region ---------------------------------------------------------------------------
    def set_loop_visible(self, visible: bool) -> None:
        if visible:
            left, right = self.plot.viewRange()[0]
            if self.region.getRegion()[1] <= self.region.getRegion()[0]:
                span = right - left
                self.region.setRegion((left + span * 0.25, left + span * 0.75))
            self.region.show()
            self._on_region()
        else:
            self.region.hide()

    def loop_region_s(self) -> tuple[float, float] | None:
        if not self.region.isVisible():
            return None
        start, end = self.region.getRegion()
        return float(start), float(end)

    def _on_region(self) -> None:
        start, end = self.region.getRegion()
        self.loop_changed.emit(float(start), float(end))

    def _on_click(self, event: object) -> None:
        pos = getattr(event, "scenePos", None)
        if pos is None or not self.duration_s:
            return
        point = self.plot.getPlotItem().vb.mapSceneToView(pos())
        self.seek_requested.emit(min(max(0.0, point.x()), self.duration_s))
