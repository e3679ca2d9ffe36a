"""The recording desk's widgets: device, rate, level, live view, transport, verdict, uploads.

Builds, connects and lays out; the controller does the work (STYLE.md habit 6).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from voxbooth.audio.devices import AudioDevice
from voxbooth.audio.recorder import RecorderStatus, TakeResult
from voxbooth.dsp.quality import QualityReport
from voxbooth.studio.desk.controller import DeskController
from voxbooth.studio.desk.live import LiveUpdate
from voxbooth.studio.desk.live_view import LiveView
from voxbooth.studio.desk.meter import LevelMeterWidget
from voxbooth.studio.desk.punch import PunchPlan
from voxbooth.studio.desk.script_panel import ScriptPanel
from voxbooth.studio.outbox.store import FAILED, HELD
from voxbooth.studio.widgets.progress import FittingProgressBar
from voxbooth.studio.widgets.status_line import StatusLine

VERDICT_COLOURS = {"good": "#26a269", "warning": "#c64600", "bad": "#c01c28"}


class DeskPanel(QWidget):
    device_chosen = Signal(str)  # remembered by whoever owns the settings
    calibrate_requested = Signal()
    punch_requested = Signal(object)  # PunchPlan over the last take

    def __init__(self, controller: DeskController, dark: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordingDesk")
        self.controller = controller
        self.last_verdict: QualityReport | None = None
        self.last_take_path = ""
        self.last_take_label = ""
        self.picked_device: str | None = None  # remembered once it opens
        self.open_when_listed: str | None = None  # the device to open once the list is back
        self._build(dark)
        self._lay_out()
        self._connect()

    # -- building -------------------------------------------------------------------------------
    def _build(self, dark: bool) -> None:
        self.device_picker = QComboBox()
        self.device_picker.setObjectName("deskDevicePicker")
        self.device_picker.setMinimumWidth(200)
        self.device_refresh = QToolButton()
        self.device_refresh.setText("⟳")
        self.device_refresh.setObjectName("deskDeviceRefresh")
        self.device_refresh.setToolTip("Look for microphones again (one plugged in since the "
                                       "studio started)")
        self.rate_label = StatusLine("no input", min_chars=14)  # "looking for microphones…"
        self.rate_label.setObjectName("deskRateLabel")
        self.meter = LevelMeterWidget()
        self.record_action = QAction("● Record", self)
        self.record_action.setShortcut(QKeySequence("R"))
        self.record_action.setToolTip("Record a take (R)")
        self.punch_action = QAction("Punch in", self)
        self.punch_action.setShortcut(QKeySequence("Shift+R"))
        self.punch_action.setToolTip("Record the region of the last take again: its 2 s "
                                     "before play first, then you take over (Shift+R)")
        self.punch_from = QDoubleSpinBox()
        self.punch_to = QDoubleSpinBox()
        for box, tip in ((self.punch_from, "Punch-in region starts (s into the last take)"),
                         (self.punch_to, "Punch-in region ends (s)")):
            box.setRange(0.0, 3600.0)
            box.setDecimals(1)
            box.setSingleStep(0.5)
            box.setSuffix(" s")
            box.setToolTip(tip)
        self.stop_action = QAction("■ Stop", self)
        self.stop_action.setToolTip("Stop the take (Space while recording)")
        self.addActions([self.record_action, self.punch_action, self.stop_action])
        self.record_button = QPushButton()
        self.punch_button = QPushButton()
        self.stop_button = QPushButton()
        for button, action in ((self.record_button, self.record_action),
                               (self.punch_button, self.punch_action),
                               (self.stop_button, self.stop_action)):
            button.setText(action.text())
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
        self.record_button.setObjectName("deskRecordButton")
        self.take_time = QLabel("00:00.0")
        self.take_time.setObjectName("deskTakeTime")
        self.take_time.setStyleSheet("font-family: monospace; font-size: 16px;")
        self.overflow_label = StatusLine("overflows 0", min_chars=11)
        self.overflow_label.setObjectName("deskOverflows")
        self.calibrate_button = QPushButton("Calibrate…")
        self.live_view = LiveView(dark)
        self.script_panel = ScriptPanel()
        # status lines keep their place whatever they say, so the desk never moves under the
        # artist while a take starts, stops, is checked and uploads
        self.verdict_label = StatusLine("", lines=2)
        self.verdict_label.setObjectName("deskVerdict")
        self.upload_anyway = QPushButton("Upload anyway")
        self.upload_bar = FittingProgressBar()
        self.upload_bar.setObjectName("deskUploadBar")
        self.upload_bar.setMaximumHeight(14)
        for hidden_in_place in (self.upload_anyway, self.upload_bar):
            policy = hidden_in_place.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            hidden_in_place.setSizePolicy(policy)
            hidden_in_place.hide()
        self.queue_label = StatusLine("")
        self.queue_label.setObjectName("deskQueueLabel")
        self._set_recording(False)

    def _lay_out(self) -> None:
        # two rows: the input (microphone, level) and the take (record, punch-in, status), so
        # the desk fits a 1024 px window beside the voices
        source = QHBoxLayout()
        source.addWidget(QLabel("Microphone"))
        source.addWidget(self.device_picker, 1)
        source.addWidget(self.device_refresh)
        source.addWidget(self.rate_label)
        source.addWidget(self.meter, 3)
        source.addWidget(self.calibrate_button)
        take = QHBoxLayout()
        for widget in (self.record_button, self.stop_button, self.take_time,
                       self.overflow_label, self.punch_button, self.punch_from, QLabel("–"),
                       self.punch_to):
            take.addWidget(widget)
        take.addWidget(self.queue_label, 1)  # what waits to upload, with its progress below
        take.addWidget(self.upload_bar, 1)
        note_row = QHBoxLayout()
        note_row.addWidget(self.live_view.note_label)
        note_row.addWidget(self.live_view.target_label, 1)
        verdict_row = QHBoxLayout()
        verdict_row.addWidget(self.verdict_label, 1)
        verdict_row.addWidget(self.upload_anyway)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(4, 0, 0, 0)
        side_layout.addLayout(note_row)
        side_layout.addWidget(self.script_panel, 1)
        side_layout.addLayout(verdict_row)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.live_view)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addLayout(source)
        layout.addLayout(take)
        layout.addWidget(split, 1)

    def _connect(self) -> None:
        c = self.controller
        self.record_action.triggered.connect(self.record)
        self.punch_action.triggered.connect(self.request_punch)
        self.stop_action.triggered.connect(c.stop)
        self.device_picker.activated.connect(self._on_device_picked)
        self.device_refresh.clicked.connect(self.rescan_devices)
        self.meter.reset_requested.connect(c.reset_clip)
        self.calibrate_button.clicked.connect(self.calibrate_requested)
        c.live.connect(self._on_live)
        c.device_opening.connect(self._on_device_opening)
        c.device_opened.connect(self._on_device_opened)
        c.device_failed.connect(self._on_device_failed)
        c.devices_found.connect(self._on_devices_found)
        c.devices_missing.connect(self._on_devices_missing)
        c.take_starting.connect(self._on_take_starting)
        c.take_started.connect(self._on_take_started)
        c.take_failed.connect(self.verdict_label.setText)
        c.take_status.connect(self._on_status)
        c.take_stopped.connect(self._on_stopped)
        c.punch_spliced.connect(self._on_spliced)
        c.verdict.connect(self.show_verdict)
        c.outbox.changed.connect(self._show_queue)
        c.outbox.progress.connect(self._on_upload_progress)
        c.outbox.uploaded.connect(lambda _t: self.upload_bar.hide())
        self.upload_anyway.clicked.connect(self._upload_anyway)
        self.script_panel.star_requested.connect(self._star)
        QApplication.instance().installEventFilter(self)  # type: ignore[union-attr]

    # -- the device -----------------------------------------------------------------------------
    def fill_devices(self, remembered: str) -> None:
        """Lists input devices (one entry each, in a worker), then opens the remembered one,
        else the default."""
        self.open_when_listed = remembered
        self.rate_label.setText("looking for microphones…")
        self.controller.find_devices()

    def use_device(self, name: str) -> None:
        """The microphone chosen in Settings ("": the default): it opens and the picker
        follows, as if picked here."""
        if self.open_when_listed is not None:  # the list is still coming: this one opens then
            self.open_when_listed = name
            return
        self.controller.choose_device(name)

    def rescan_devices(self) -> None:
        """Looks for microphones plugged in since the start; the chosen one opens again."""
        name = str(self.device_picker.currentData() or "") or None
        if self.controller.rescan_devices(name):
            self.rate_label.setText("looking for microphones…")
            self._set_device_choice(False)

    def _on_devices_found(self, devices: list[AudioDevice]) -> None:
        wanted = self.open_when_listed
        shown = wanted if wanted is not None else str(self.device_picker.currentData() or "")
        self.device_picker.clear()  # `activated` is the user's: nothing opens here
        for device in devices:
            self.device_picker.addItem(device.name, device.name)
        index = self.device_picker.findData(shown) if shown else -1
        self.device_picker.setCurrentIndex(max(index, 0))
        self._set_device_choice(not self.controller.take_busy)
        if wanted is not None:
            self.open_when_listed = None
            if devices:
                self.controller.open_device(wanted or None)
        if not devices:
            self._on_device_failed("No microphone found")

    def _on_devices_missing(self, text: str) -> None:  # no PortAudio devices at all
        self.open_when_listed = None
        self._set_device_choice(not self.controller.take_busy)
        self._on_device_failed(text)

    def _set_device_choice(self, on: bool) -> None:
        self.device_picker.setEnabled(on)
        self.device_refresh.setEnabled(on)

    def _on_device_picked(self, index: int) -> None:
        name = str(self.device_picker.itemData(index) or "")
        self.picked_device = name
        if not self.controller.open_device(name):
            self.picked_device = None

    def _on_device_opening(self, _name: str) -> None:
        self.rate_label.setText("opening…")

    def _on_device_opened(self, name: str, rate_hz: int) -> None:
        if self.picked_device is not None:
            self.device_chosen.emit(self.picked_device)
            self.picked_device = None
        self.rate_label.setText(f"{rate_hz / 1000:g} kHz")
        index = self.device_picker.findData(name)
        if index >= 0:
            self.device_picker.setCurrentIndex(index)

    def _on_device_failed(self, text: str) -> None:
        self.picked_device = None
        self.rate_label.setText("no input")
        self.verdict_label.setText(text)

    # -- live -----------------------------------------------------------------------------------
    def _on_live(self, update: LiveUpdate) -> None:
        analysis = self.controller.analysis
        if analysis is None:
            return
        self.meter.set_reading(update.level)
        self.live_view.draw(analysis)
        self.live_view.show_note(update.newest_f0_hz)

    def _on_status(self, status: RecorderStatus) -> None:
        seconds = status.duration_s
        self.take_time.setText(f"{int(seconds // 60):02d}:{seconds % 60:04.1f}")
        lost = status.overflow_count
        self.overflow_label.setText(f"overflows {lost}" + (f", dropped {status.frames_dropped}"
                                                           if status.frames_dropped else ""))
        self.overflow_label.setStyleSheet("color: #c01c28;" if lost or status.frames_dropped
                                          else "")

    # -- takes ----------------------------------------------------------------------------------
    def record(self) -> None:
        self.controller.record(self.script_panel.next_label())

    def _on_take_starting(self, path: str, label: str) -> None:
        if self.controller.take_kind != "take":
            return
        self.last_take_path = path
        self.last_take_label = label
        self.verdict_label.setText("Starting the take…")
        self.verdict_label.setStyleSheet("")
        self.upload_anyway.hide()

    def _on_take_started(self, _label: str) -> None:
        self._set_recording(True)
        if self.controller.take_kind == "take":
            self.verdict_label.setText("Recording…")

    def set_punch_region(self, start_s: float, end_s: float) -> None:
        """The region to record again (the waveform's selection), in seconds."""
        self.punch_to.setValue(end_s)
        self.punch_from.setValue(start_s)

    def request_punch(self) -> None:
        start_s, end_s = self.punch_from.value(), self.punch_to.value()
        if not self.last_take_path or end_s <= start_s:
            self.verdict_label.setText("Punch-in: record a take, then set the region to "
                                       "record again (from – to, in seconds)")
            return
        self.punch_requested.emit(PunchPlan(self.last_take_path, self.last_take_label,
                                            start_s, end_s))

    def _on_spliced(self, path: str, label: str) -> None:
        self.last_take_path = path
        self.last_take_label = label
        self.verdict_label.setText(f"Punched in: {Path(path).name}; checking…")

    def _set_recording(self, on: bool) -> None:
        self.record_action.setEnabled(not on)
        self.punch_action.setEnabled(not on)
        self.stop_action.setEnabled(on)
        for button, action in ((self.record_button, self.record_action),
                               (self.punch_button, self.punch_action),
                               (self.stop_button, self.stop_action)):
            button.setEnabled(action.isEnabled())
        self._set_device_choice(not on and not self.controller.rescanning)
        self.record_button.setStyleSheet("background: #c01c28; color: white;" if on else "")

    def _on_stopped(self, result: TakeResult) -> None:
        self._set_recording(False)
        if self.controller.take_kind == "punch":
            self.verdict_label.setText("Splicing the punch-in…")
        if self.controller.take_kind != "take":
            return
        self.script_panel.add_take(str(result.path))
        self.verdict_label.setText(f"Saved {result.path.name} ({result.duration_s:.1f} s); "
                                   "checking…")

    def show_verdict(self, path: str, report: QualityReport) -> None:
        self.last_verdict = report
        self.verdict_label.setText(f"{Path(path).name}: {report.summary}")
        self.verdict_label.setStyleSheet(f"color: {VERDICT_COLOURS[report.verdict]};")
        self.upload_anyway.setVisible(report.verdict == "bad")
        self.upload_anyway.setProperty("take_path", path)

    def _upload_anyway(self) -> None:
        self.controller.upload_anyway(str(self.upload_anyway.property("take_path")))
        self.upload_anyway.hide()

    def _on_upload_progress(self, name: str, done: int, total: int) -> None:
        self.upload_bar.show()
        self.upload_bar.setFormat(f"uploading {name} %p%")
        self.upload_bar.setMaximum(max(total, 1))
        self.upload_bar.setValue(done)

    def _show_queue(self) -> None:
        store = self.controller.store
        waiting = len(self.controller.outbox.waiting)
        held = store.in_state(HELD, FAILED)
        parts = []
        if waiting:
            parts.append(f"{waiting} take(s) waiting to upload")
        if held:  # where they are: the takes folder may have changed since they were recorded
            folders = ", ".join(sorted({str(Path(e.path).parent) for e in held}))
            parts.append(f"{len(held)} kept on this computer (see {folders})")
        self.queue_label.setText("; ".join(parts))

    def _star(self, path: str) -> None:
        self.verdict_label.setText(f"★ {Path(path).name} is the best take of this line")

    # -- Space stops a take: the window's Space (play/stop) is left alone otherwise ---------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and \
                (self.controller.recording or self.controller.starting) and \
                isinstance(event, QKeyEvent) and \
                event.key() == Qt.Key.Key_Space and not event.modifiers():
            if kind == QEvent.Type.KeyPress:
                self.controller.stop()
            event.accept()
            return True
        return False
