"""The calibration wizard: read the prompt for at least 10 s while the live f0 trace runs, see
the f0 histogram and your speaking pitch, save it on the service, then enable it or use auto."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from voxbooth.audio.recorder import TakeResult
from voxbooth.dsp import voice_activity
from voxbooth.resources import resources_dir
from voxbooth.studio.calibration.histogram import F0Histogram, f0_histogram, speech_only
from voxbooth.studio.desk.controller import DeskController
from voxbooth.studio.desk.live import LiveUpdate
from voxbooth.studio.desk.live_view import LiveView, midi_to_name
from voxbooth.studio.service import calibrations as service
from voxbooth.studio.service.errors import user_message
from voxbooth.studio.service.requests import Requests


def prompt_text(language: str = "en") -> str:
    path = resources_dir() / "prompts" / "calibration_prompts.json"
    try:
        prompts: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))["prompts"]
    except (OSError, ValueError, KeyError):
        return "Read any text aloud in your normal speaking voice for at least 10 seconds."
    return prompts.get(language) or next(iter(prompts.values()))


class CalibrationWizard(QDialog):
    saved = Signal(object)  # the service's calibration, once measured

    def __init__(self, desk: DeskController, requests: Requests, dark: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calibrationWizard")
        self.setWindowTitle("Calibrate your pitch")
        self.resize(720, 640)
        self.desk = desk
        self.requests = requests
        self.started_s = 0.0
        self.take_path: Path | None = None
        self.histogram: F0Histogram | None = None
        self._heard: tuple[np.ndarray, float, float] | None = None  # f0, hop, least voiced s
        self.calibration: Any = None
        self._build(dark)
        desk.take_stopped.connect(self._on_stopped)
        desk.on_pulled.append(self._on_live)

    def _build(self, dark: bool) -> None:
        self.prompt = QLabel(prompt_text())
        self.prompt.setWordWrap(True)
        self.prompt.setStyleSheet("font-size: 16px; padding: 8px;")
        self.live = LiveView(dark)
        self.elapsed = QLabel("Press Start and read the text aloud, as you normally speak.")
        self.start_button = QPushButton("● Start reading")
        self.stop_button = QPushButton("■ Done")
        self.stop_button.setEnabled(False)
        self.hist_plot = pg.PlotWidget(background="w" if not dark else "#1e1f22")
        self.hist_plot.setMaximumHeight(150)
        self.hist_plot.setLabel("bottom", "pitch")
        self.hist_bars = pg.BarGraphItem(x=[], height=[], width=0.9, brush="#1a5fb4")
        self.hist_plot.addItem(self.hist_bars)
        # the reading's median pitch: one line, moved on each reading ("Read again" included)
        self.median_line = pg.InfiniteLine(0.0, pen=pg.mkPen("#9141ac", width=2))
        self.median_line.hide()
        self.hist_plot.addItem(self.median_line)
        self.result_label = QLabel("")
        self.result_label.setObjectName("calibrationResult")
        self.result_label.setWordWrap(True)
        self.name = QLineEdit(time.strftime("My voice %Y-%m-%d"))
        self.save_button = QPushButton("Save calibration")
        self.save_button.setEnabled(False)
        self.use_it = QRadioButton("Use this calibration for my conversions")
        self.use_it.setChecked(True)
        self.use_auto = QRadioButton("Auto: measure my pitch in each original")
        self.apply_button = QPushButton("Apply and close")
        self.apply_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.elapsed, 1)
        save_row = QHBoxLayout()
        save_row.addWidget(self.name, 1)
        save_row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.live, 2)
        layout.addWidget(self.live.note_label)
        layout.addLayout(buttons)
        layout.addWidget(self.hist_plot, 1)
        layout.addWidget(self.result_label)
        layout.addLayout(save_row)
        layout.addWidget(self.use_it)
        layout.addWidget(self.use_auto)
        layout.addWidget(self.apply_button, 0, Qt.AlignmentFlag.AlignRight)
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.save_button.clicked.connect(self.save)
        self.apply_button.clicked.connect(self.apply)

    # -- reading --------------------------------------------------------------------------------
    def start(self) -> None:
        path = self.desk.record(f"Calibration {time.strftime('%H:%M:%S')}", kind="calibration")
        if path is None or self.desk.analysis is None:
            self.elapsed.setText("The microphone is not open: pick one on the desk first")
            return
        self.take_path = path
        self.desk.analysis.start_collecting()
        self.started_s = time.monotonic()
        self.start_button.setEnabled(False)
        self.save_button.setEnabled(False)

    def _on_live(self, update: LiveUpdate) -> None:
        analysis = self.desk.analysis
        if analysis is None:
            return
        self.live.draw(analysis)
        self.live.show_note(update.newest_f0_hz)
        if self.started_s and self.desk.recording:
            read_s = time.monotonic() - self.started_s
            rules = self.requests.rules  # the service's: none while it is away
            least_s = rules.calibration_min_s if rules is not None else float("inf")
            enough = read_s >= least_s
            self.stop_button.setEnabled(enough)
            self.elapsed.setText(f"{read_s:.1f} s read" + ("" if enough else
                                 f" (at least {least_s:.0f} s)"))

    def stop(self) -> None:
        self.histogram = self._heard = None
        if self.desk.analysis is not None:
            rules = self.requests.rules  # the service's: none while it is away
            least_voiced_s = rules.calibration_min_voiced_s if rules is not None else float("inf")
            self._heard = (self.desk.analysis.stop_collecting(),
                           self.desk.analysis.tracker.hop_s, least_voiced_s)
        self.started_s = 0.0
        self.stop_button.setEnabled(False)
        self.desk.stop()

    def _on_stopped(self, result: TakeResult) -> None:
        if self.take_path is None or result.path != self.take_path:
            return
        self.start_button.setEnabled(True)
        self.start_button.setText("● Read again")
        if self._heard is None:
            return
        f0_hz, hop_s, least_voiced_s = self._heard
        if not voice_activity.available():  # WORLD's voicing alone, as the service then counts
            self._show_histogram(f0_histogram(f0_hz, least_voiced_s, hop_s))
            return
        # as the service counts it: only the pitch inside the speech the VAD hears in the take
        self.result_label.setText("Listening for speech in your reading…")
        path = result.path
        self.requests.run(lambda: f0_histogram(speech_only(f0_hz, hop_s, path),
                                               least_voiced_s, hop_s),
                          on_result=lambda h: self._show_histogram(h, path),
                          # unheard (the error is shown): the service's verdict decides on saving
                          on_error=lambda _e: self._show_histogram(
                              f0_histogram(f0_hz, least_voiced_s, hop_s), path))

    def _show_histogram(self, histogram: F0Histogram, path: Path | None = None) -> None:
        if path is not None and path != self.take_path:
            return  # a reading read again meanwhile
        self.histogram = histogram
        self._draw_histogram(histogram)
        self.result_label.setText(histogram.describe())
        self.save_button.setEnabled(histogram.usable)

    def _draw_histogram(self, histogram: F0Histogram) -> None:
        centres = (histogram.edges_midi[:-1] + histogram.edges_midi[1:]) / 2
        self.hist_bars.setOpts(x=centres, height=histogram.counts, width=0.9)
        ticks = [(float(c), midi_to_name(float(c))) for c in centres
                 if round(float(c)) % 12 in (0, 4, 7)]
        self.hist_plot.getAxis("bottom").setTicks([ticks])
        if np.isfinite(histogram.median_hz):
            self.median_line.setValue(69.0 + 12.0 * np.log2(histogram.median_hz / 440.0))
        self.median_line.setVisible(bool(np.isfinite(histogram.median_hz)))

    # -- saving ---------------------------------------------------------------------------------
    def save(self) -> None:
        backend = self.requests.backend
        if backend is None or self.take_path is None:
            self.result_label.setText("The service is not reachable; your reading is kept at "
                                f"{self.take_path}")
            return
        self.save_button.setEnabled(False)
        self.result_label.setText("Saving and measuring on the service…")
        self.requests.run(service.save_calibration, backend, self.take_path,
                          self.name.text().strip() or "My voice",
                          on_result=self._saved, on_error=self._save_failed)

    def _saved(self, calibration: Any) -> None:
        self.calibration = calibration
        if calibration.state == "error":
            self.result_label.setText(f"The service could not measure it: {calibration.error}")
            self.save_button.setEnabled(True)
            return
        self.result_label.setText(f"Saved “{calibration.name}”: the service measured "
                            f"{calibration.f0:.0f} Hz")
        self.apply_button.setEnabled(True)
        self.saved.emit(calibration)

    def _save_failed(self, exc: BaseException) -> None:
        self.result_label.setText(f"Not saved: {user_message(exc)}")
        self.save_button.setEnabled(True)

    def apply(self) -> None:
        backend = self.requests.backend
        chosen = self.calibration.id if self.use_it.isChecked() and self.calibration else None
        if backend is not None:
            self.requests.run(service.choose, backend, chosen, on_result=lambda _r: self.accept())

    def done(self, result: int) -> None:  # closing by any means
        if self._on_live in self.desk.on_pulled:
            self.desk.on_pulled.remove(self._on_live)
        if (self.desk.recording or self.desk.starting) and self.started_s:
            self.stop()
        super().done(result)
