"""The live picture: a scrolling waveform and an f0 trace with note names (pyqtgraph).

One persistent curve each, updated with `setData` from the desk's timer (STYLE.md, pyqtgraph
row); unvoiced frames are NaN and `connect="finite"` leaves them as gaps. The f0 plot's y axis
is in semitones (MIDI numbers) so equal musical steps look equal; ticks carry note names.
"""

from __future__ import annotations

import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from voxbooth.dsp.pitch import hz_to_midi
from voxbooth.studio.desk.live import SHOWN_S, LiveAnalysis
from voxbooth.studio.desk.targets import PitchTarget
from voxbooth.studio.widgets.status_line import StatusLine

_NOTES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
MIDI_RANGE = (36.0, 84.0)  # C2 .. C6 shown at first; the view follows the voice


def midi_to_name(midi: float) -> str:
    n = round(midi)
    return f"{_NOTES[n % 12]}{n // 12 - 1}"


class NoteAxis(pg.AxisItem):
    """Semitone axis labelled with note names (C and G of each octave, every note when zoomed)."""

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:  # noqa: E501
        span = maxVal - minVal
        first = int(np.ceil(minVal))
        notes = list(range(first, int(np.floor(maxVal)) + 1))
        if span > 30:
            major = [n for n in notes if n % 12 == 0]
            minor = [n for n in notes if n % 12 == 7]
        else:
            major = [n for n in notes if n % 12 in (0, 4, 7)]
            minor = [n for n in notes if n % 12 not in (0, 4, 7)]
        return [(12.0, [float(n) for n in major]), (1.0, [float(n) for n in minor])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [midi_to_name(v) for v in values]


class LiveView(QWidget):
    def __init__(self, dark: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        pg.setConfigOptions(antialias=False)
        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setObjectName("deskLivePlots")
        self.plots.setBackground("#1e1f22" if dark else "w")
        self.plots.setMinimumHeight(160)  # room for the f0 trace with readable note names
        pen_colour = "#8ab4f8" if dark else "#1a5fb4"
        self.wave_plot = self.plots.addPlot(row=0, col=0)
        self.wave_plot.setMaximumHeight(55)
        self.wave_plot.setYRange(-1.0, 1.0, padding=0)
        self.wave_plot.hideAxis("bottom")
        self.wave_plot.setMouseEnabled(False, False)
        self.wave_plot.getAxis("left").setWidth(44)
        self.wave_curve = self.wave_plot.plot(pen=pg.mkPen(pen_colour, width=1))
        self.wave_curve.setClipToView(True)
        self.f0_plot = self.plots.addPlot(row=1, col=0,
                                          axisItems={"left": NoteAxis("left")})
        self.f0_plot.getAxis("left").setWidth(44)
        self.f0_plot.setYRange(*MIDI_RANGE, padding=0)
        self.f0_plot.setMouseEnabled(False, True)
        self.f0_plot.showGrid(x=False, y=True, alpha=0.2)
        self.f0_plot.setLabel("bottom", "seconds ago")
        for plot in (self.wave_plot, self.f0_plot):
            plot.setXRange(-SHOWN_S, 0.0, padding=0)
        self.plots.ci.layout.setRowStretchFactor(1, 4)
        self.f0_curve = self.f0_plot.plot(pen=pg.mkPen("#e66100", width=2), connect="finite")
        self.band = pg.LinearRegionItem(orientation="horizontal", movable=False,
                                        brush=pg.mkBrush(46, 194, 126, 50),
                                        pen=pg.mkPen(46, 194, 126, 120))
        self.band.setZValue(-10)
        self.band.hide()
        self.f0_plot.addItem(self.band)
        self.speaker_line = pg.InfiniteLine(angle=0, movable=False,
                                            pen=pg.mkPen("#9141ac", width=1.5,
                                                         style=Qt.PenStyle.DashLine),
                                            label="you {value:.0f}", labelOpts={"position": 0.05})
        self.speaker_line.hide()
        self.f0_plot.addItem(self.speaker_line)
        self.note_label = QLabel("–")
        self.note_label.setObjectName("deskNoteLabel")
        self.note_label.setStyleSheet("font-size: 20px; font-weight: bold;")
        # as wide as the widest note it names, so the target beside it never moves
        self.note_label.setMinimumWidth(self.note_label.fontMetrics().horizontalAdvance(
            "C#4 +50 cents  1000 Hz"))
        self.target_label = StatusLine("Pick a voice on the right to see where it lies",
                                       lines=2)
        self.target_label.setObjectName("deskTargetLabel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plots, 1)
        self.last_paint_points = 0

    def draw(self, analysis: LiveAnalysis) -> None:
        """Timer slot: one setData per curve. The x axis is fixed ("seconds ago") and the data
        moves under it, so the axes keep their ticks and are not redrawn at every frame."""
        ex, ey = analysis.envelope.view()
        fx, fy = analysis.f0.view()
        now_s = analysis.frames_analysed / analysis.rate_hz
        self.wave_curve.setData(ex - now_s, ey)
        with np.errstate(divide="ignore", invalid="ignore"):
            midi = 69.0 + 12.0 * np.log2(fy / 440.0)
        self.f0_curve.setData(fx - now_s, midi, connect="finite")
        self.last_paint_points = int(fx.shape[0])

    def show_note(self, f0_hz: float) -> None:
        from voxbooth.dsp.pitch import hz_to_note_name

        if np.isfinite(f0_hz):
            self.note_label.setText(f"{hz_to_note_name(f0_hz, with_cents=True)}  {f0_hz:.0f} Hz")
        else:
            self.note_label.setText("–")

    def set_speaker_f0(self, f0_hz: float | None) -> None:
        if f0_hz:
            self.speaker_line.show()  # a hidden label ignores new text
            self.speaker_line.setValue(hz_to_midi(f0_hz))
            self.speaker_line.label.setFormat(f"you {f0_hz:.0f} Hz")
        else:
            self.speaker_line.hide()

    def set_target(self, target: PitchTarget | None) -> None:
        if target is None:
            self.band.hide()
            self.target_label.setText("Pick a voice on the right to see where it lies")
            return
        low, high = target.band_hz
        self.band.setRegion((hz_to_midi(low), hz_to_midi(high)))
        self.band.show()
        self.set_speaker_f0(target.speaker_f0_hz)
        self.target_label.setText(target.describe())
