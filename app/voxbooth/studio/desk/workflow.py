"""Puts the recording desk on top of the window and the voice library with the order panel on
its right, and connects them to the window's models, requests and service connection.

Called once by the main window after it has built itself; the window keeps the returned
`Workflow` (its parts are public for tests and scripts).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDialog, QDockWidget, QSplitter, QWidget

from voxbooth.studio.desk.controller import DeskController
from voxbooth.studio.desk.panel import DeskPanel
from voxbooth.studio.desk.punch import PREROLL_S, PunchPlan
from voxbooth.studio.desk.script import Script
from voxbooth.studio.desk.script_store import ScriptStore
from voxbooth.studio.desk.targets import PitchTarget
from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.library.controller import VoiceLibrary
from voxbooth.studio.library.entities import VoiceInfo
from voxbooth.studio.library.model import VoicesModel
from voxbooth.studio.library.panel import VoiceLibraryPanel
from voxbooth.studio.library.private_voices import PrivateVoiceWatch
from voxbooth.studio.ordering.controller import OrderController
from voxbooth.studio.ordering.panel import OrderPanel

if TYPE_CHECKING:
    from voxbooth.dsp.quality import QualityReport
    from voxbooth.studio.calibration.wizard import CalibrationWizard
    from voxbooth.studio.library.new_voice import NewVoiceDialog
    from voxbooth.studio.window import MainWindow


def read_for_player(path: str, rate_hz: int) -> np.ndarray:
    """Worker: a sample file as mono float at the player's rate."""
    import soundfile as sf

    from voxbooth.audio.playback import resample

    data, file_rate = sf.read(path, dtype="float32", always_2d=True)
    return resample(data.mean(axis=1), int(file_rate), rate_hz)


@dataclass
class Workflow:
    window: MainWindow
    desk: DeskController
    desk_panel: DeskPanel
    voices: VoicesModel
    library: VoiceLibrary
    library_panel: VoiceLibraryPanel
    order_panel: OrderPanel
    orders: OrderController
    clones: PrivateVoiceWatch
    scripts: ScriptStore
    speaker_f0_hz: float | None = None
    take_ids: dict[str, str] | None = None  # take file -> its id on the service
    starred_files: set[str] | None = None  # best takes starred before they were uploaded
    punched_from: str = ""  # the take a punch-in is recorded over

    def remember_upload(self, path: str, take_id: str) -> None:
        self.take_ids = {**(self.take_ids or {}), path: take_id}
        self.desk_panel.script_panel.set_take_id(path, take_id)
        if path in (self.starred_files or set()):
            self.star(path)

    def star(self, path: str) -> None:
        """The best take of its line: starred on the service (now, or once it is uploaded)."""
        take_id = (self.take_ids or {}).get(path)
        if take_id is None:
            self.starred_files = {*(self.starred_files or set()), path}
            return
        self.window.requests.call("update_take", take_id, starred=True, keep=True,
                                  on_result=self.window.takes.upsert)

    def unstar(self, path: str) -> None:
        """A take that is no longer the best of its line: unstarred (or never starred)."""
        self.starred_files = (self.starred_files or set()) - {path}
        take_id = (self.take_ids or {}).get(path)
        if take_id is not None:
            self.window.requests.call("update_take", take_id, starred=False, keep=True,
                                      on_result=self.window.takes.upsert)

    # -- script mode ----------------------------------------------------------------------------
    def on_take_starting(self, path: str, _label: str) -> None:
        if self.desk.take_kind == "take":
            self.desk_panel.script_panel.take_starting(path)

    def on_checked(self, path: str, report: QualityReport) -> None:
        self.desk_panel.script_panel.set_verdict(path, report.verdict, report.summary,
                                                 report.duration_s)

    def on_spliced(self, path: str, _label: str) -> None:
        if self.punched_from:
            self.desk_panel.script_panel.add_derived(self.punched_from, path)
            self.punched_from = ""

    def keep_script(self) -> None:
        """The script, its line and takes written beside the takes, in a worker."""
        self.scripts.offer(self.desk_panel.script_panel.script.to_dict())
        self.window.requests.run(self.scripts.write)

    def restore_script(self, data: dict[str, Any] | None) -> None:
        if not data:
            return
        script = Script.from_dict(data)
        self.desk_panel.script_panel.restore(script)
        ids = {t.path: t.take_id for line in script.takes for t in line.takes if t.take_id}
        self.take_ids = {**ids, **(self.take_ids or {})}
        # a best take not uploaded yet is starred once it is
        waiting = {line.best for line in script.takes if line.best and line.best not in ids}
        self.starred_files = {*(self.starred_files or set()), *waiting}

    # -- service --------------------------------------------------------------------------------
    def on_service_ready(self, _backend: object = None) -> None:
        self.library.reload()
        self.clones.follow_unfinished()
        self.orders.refresh_balance()
        self.window.outbox.resume_waiting()

    def on_take_uploaded(self, path: str, take: TakeInfo) -> None:
        """A recorded take is on the service (the window has put it in the takes list)."""
        self.remember_upload(path, take.id)
        self.window.tell(f"Take “{take.label}” uploaded")
        self.show_target(self.library_panel.current_voice())  # the session's pitch grew

    # -- selections -----------------------------------------------------------------------------
    def on_takes_selected(self, *_args: object) -> None:
        w = self.window
        takes = [w.takes.take(i) for i in w.takes_view.selected_ids()]
        self.order_panel.set_takes([t for t in takes if t is not None])

    def on_folder_picked(self, *_args: object) -> None:
        self.window.outbox.adopt_held(self.window.library.folder_id)

    def show_target(self, voice: VoiceInfo | None) -> None:
        view = self.desk_panel.live_view
        if voice is None or not voice.pitch_hz:
            view.set_target(None)
            view.set_speaker_f0(self.speaker_f0_hz)
            return
        accent = voice.default_accent()
        speaker_hz, source = self.speaker_f0_hz, "calibration"
        analysis = self.desk.analysis
        if speaker_hz is None and analysis is not None:
            speaker_hz, source = analysis.session_f0_hz(), "heard this session"
        view.set_target(PitchTarget(voice.name, voice.pitch_hz, speaker_hz, source,
                                    accent.semitones_correction if accent else 0.0))

    def set_speaker_f0(self, f0_hz: float | None) -> None:
        self.speaker_f0_hz = f0_hz
        self.show_target(self.library_panel.current_voice())

    # -- dialogs --------------------------------------------------------------------------------
    def open_calibration(self) -> CalibrationWizard:

        from voxbooth.studio.calibration.wizard import CalibrationWizard

        wizard = CalibrationWizard(self.desk, self.window.requests, parent=self.window)
        wizard.saved.connect(lambda c: self.set_speaker_f0(float(c.f0) if c.f0 else None))
        wizard.finished.connect(lambda _r: self.library.reload())
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()
        return wizard

    def open_new_voice(self) -> NewVoiceDialog:
        """Opens the dialog (without a nested event loop); once its samples are uploaded the
        voice is followed until the service has made it (`clones`)."""
        from voxbooth.studio.library.new_voice import NewVoiceDialog

        dialog = NewVoiceDialog(self.window.requests, self.window)

        def created() -> None:
            name = dialog.name.text().strip()
            self.clones.follow(dialog.created_id, name)
            self.window.tell(f"Samples uploaded: “{name}” is being made; you will be told "
                             "here when it is in the library")

        dialog.accepted.connect(created)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def open_tts(self) -> None:
        from voxbooth.studio.ordering.tts_dialog import TtsDialog

        dialog = TtsDialog(self.window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.orders.make_tts(*dialog.values())

    def punch_in(self, plan: PunchPlan) -> None:
        """Plays the take's pre-roll, then records the region again from its start."""
        player = self.window.context.player
        preroll_s = min(PREROLL_S, plan.start_s)

        def begin() -> None:
            player.stop()
            self.desk.punch_in(plan)

        def loaded(samples: Any) -> None:
            start = int((plan.start_s - preroll_s) * player.rate_hz)
            player.load([samples[start:int(plan.start_s * player.rate_hz)]])
            player.play()
            QTimer.singleShot(int(preroll_s * 1000), begin)

        self.punched_from = plan.take_path
        if preroll_s <= 0:
            begin()
            return
        self.window.requests.run(read_for_player, plan.take_path, player.rate_hz,
                                 on_result=loaded)

    def play_sample(self, path: str) -> None:
        player = self.window.context.player

        def loaded(samples: Any) -> None:
            player.load([samples])
            player.play()
            self.window.tell("Playing the accent sample")

        self.window.requests.run(read_for_player, path, player.rate_hz, on_result=loaded)

    def shutdown(self) -> None:
        """The window closes: a running take is closed (never lost), the device released."""
        if self.desk.starting:  # it stops once it runs (if the loop still does)
            self.desk.stop()
        recorder = self.desk.recorder
        if recorder is not None:
            self.desk.recorder = None
            recorder.stop()
        self.desk.close_device()


class _CloseWatcher(QObject):
    def __init__(self, workflow: Workflow) -> None:
        super().__init__(workflow.window)
        self.workflow = workflow

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self.workflow.shutdown()
        return False


def _dock(window: MainWindow, name: str, title: str, widget: QWidget) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(name)  # restoreState finds docks by name
    dock.setWidget(widget)
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                     | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
    return dock


def attach_workflow(window: MainWindow, dark: bool = False,
                    takes_dir: Path | None = None) -> Workflow:
    settings = window.context.settings
    outbox = window.outbox
    folder = outbox.store.folder
    current_folder = lambda: window.library.folder_id  # noqa: E731
    desk = DeskController(window.context.runner, outbox.store, outbox, current_folder, window)
    desk_panel = DeskPanel(desk, dark)
    voices = VoicesModel(window)
    library = VoiceLibrary(window.requests, voices, window.context.cache_dir, window)
    library_panel = VoiceLibraryPanel(voices)
    order_panel = OrderPanel()
    orders = OrderController(window.requests, window.takes, order_panel, current_folder, window)
    clones = PrivateVoiceWatch(window.requests, window)
    flow = Workflow(window, desk, desk_panel, voices, library, library_panel,
                    order_panel, orders, clones, ScriptStore(folder))
    desk_dock = _dock(window, "deskDock", "Recording desk", desk_panel)
    window.add_panel(desk_dock, Qt.DockWidgetArea.TopDockWidgetArea)
    right = QSplitter(Qt.Orientation.Vertical)
    right.setObjectName("voicesSplitter")
    right.addWidget(library_panel)
    right.addWidget(library_panel.detail)  # the detail of the current voice, under the list
    right.addWidget(order_panel)
    right.setSizes([330, 150, 210])
    for index, stretch in enumerate((3, 0, 2)):
        right.setStretchFactor(index, stretch)
    voices_dock = _dock(window, "voicesDock", "Voices and orders", right)
    window.add_panel(voices_dock, Qt.DockWidgetArea.RightDockWidgetArea)
    # the voices run the full height beside the takes and the waveform: a 1000 px screen fits
    window.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
    _connect(flow)
    _geometry, state = settings.window_state()
    if state is None:  # first start (the window restores a saved layout at its first show)
        def first_sizes() -> None:
            window.resizeDocks([desk_dock], [280], Qt.Orientation.Vertical)
            window.resizeDocks([voices_dock], [380], Qt.Orientation.Horizontal)

        QTimer.singleShot(0, first_sizes)
    window.installEventFilter(_CloseWatcher(flow))
    QTimer.singleShot(0, lambda: desk_panel.fill_devices(settings.input_device()))
    desk.recover()
    window.requests.run(flow.scripts.load, on_result=flow.restore_script)
    return flow


def _connect(flow: Workflow) -> None:
    w = flow.window
    conn = w.context.connection
    conn.ready.connect(flow.on_service_ready)
    for source in (flow.desk.message, w.outbox.message, flow.library.message,
                   flow.orders.message, flow.clones.message):
        source.connect(w.tell)
    w.outbox.take_uploaded.connect(flow.on_take_uploaded)
    flow.clones.ready.connect(lambda _voice_id: flow.library.reload())
    # announced when finished even if the artist has left the folder before the order answered
    flow.orders.ordered.connect(w.watcher.follow)
    script = flow.desk_panel.script_panel
    script.star_requested.connect(flow.star)
    script.unstar_requested.connect(flow.unstar)
    script.changed.connect(flow.keep_script)
    flow.desk.take_starting.connect(flow.on_take_starting)
    flow.desk.verdict.connect(flow.on_checked)
    flow.desk.punch_spliced.connect(flow.on_spliced)
    flow.desk_panel.device_chosen.connect(w.context.settings.set_input_device)
    flow.desk_panel.calibrate_requested.connect(flow.open_calibration)
    flow.desk_panel.punch_requested.connect(flow.punch_in)
    w.takes_view.selectionModel().selectionChanged.connect(flow.on_takes_selected)
    w.takes.dataChanged.connect(flow.on_takes_selected)
    w.folder_view.selectionModel().selectionChanged.connect(flow.on_folder_picked)
    panel = flow.library_panel
    panel.selection_changed.connect(flow.order_panel.set_voices)
    panel.current_changed.connect(flow.show_target)
    panel.new_voice_requested.connect(flow.open_new_voice)
    panel.detail.favorite_toggled.connect(flow.library.toggle_favorite)
    panel.detail.semitones_saved.connect(flow.library.save_semitones)
    panel.detail.sample_requested.connect(flow.library.fetch_accent_sample)
    flow.library.sample_ready.connect(flow.play_sample)
    flow.library.speaker_f0.connect(flow.set_speaker_f0)
    flow.library.voice_changed.connect(
        lambda v: flow.show_target(v) if v == panel.current_voice() else None)
    flow.order_panel.tts_requested.connect(flow.open_tts)
