"""The one place the studio is built: every part made here, handed what it needs, and wired.

The rooms (see README "How it is built"): takes (projects, folders, takes: `models/`, the
browser in `controllers/browser.py` and `widgets/browser.py`, `controllers/navigation.py`),
audition (`audition/`: controller, playback panel, transport), outbox (`outbox/`), desk (`desk/`),
voices (`voices/`), orders (`orders/`), calibration (`calibration/`), service (`service/`: the
backend, requests, connection, embedded service and workers).
The window (`window.py`) only lays out what `assemble` gives it.

`Studio` keeps the parts, public for tests and scripts. Its one service-ready slot sets the
backend and then reloads, in this order: projects, voices, unfinished clones, balance, outbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QFrame, QLineEdit, QScrollArea, QSplitter

from voxbooth.studio.actions import TRANSPORT_KEYS
from voxbooth.studio.audition.controller import AuditionController
from voxbooth.studio.audition.panel import PlaybackPanel
from voxbooth.studio.audition.sounds import SoundCache
from voxbooth.studio.audition.transport import TransportBar
from voxbooth.studio.commands import Commands
from voxbooth.studio.context import StudioContext
from voxbooth.studio.controllers.browser import TakesBrowser
from voxbooth.studio.controllers.conversions import ConversionWatcher
from voxbooth.studio.controllers.edits import TakeEdits
from voxbooth.studio.controllers.empty_list import EmptyList
from voxbooth.studio.controllers.navigation import Navigation
from voxbooth.studio.desk.commands import DeskCommands
from voxbooth.studio.desk.controller import DeskController
from voxbooth.studio.desk.follow_settings import follow_settings
from voxbooth.studio.desk.inputs import stream_types
from voxbooth.studio.desk.panel import DeskPanel
from voxbooth.studio.desk.punch import PREROLL_S
from voxbooth.studio.desk.script_session import ScriptSession
from voxbooth.studio.desk.script_store import ScriptStore
from voxbooth.studio.desk.takes_folder import default_takes_dir
from voxbooth.studio.desk.target_band import TargetBand
from voxbooth.studio.dialogs.openers import Openers
from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.heap import freeze_start_up
from voxbooth.studio.listening import Listening, listen_in
from voxbooth.studio.models.filters import TakesFilterProxy
from voxbooth.studio.models.folders import FolderTreeModel
from voxbooth.studio.models.projects import ProjectsModel
from voxbooth.studio.models.takes import TakesModel
from voxbooth.studio.orders.controller import OrderController
from voxbooth.studio.orders.panel import OrderPanel
from voxbooth.studio.outbox.outbox import Outbox
from voxbooth.studio.outbox.store import OutboxStore
from voxbooth.studio.service.backend import StudioBackend
from voxbooth.studio.service.requests import Requests
from voxbooth.studio.transport_keys import TransportKeys
from voxbooth.studio.voices.controller import VoicesController
from voxbooth.studio.voices.model import VoicesModel
from voxbooth.studio.voices.panel import VoicesPanel
from voxbooth.studio.voices.private_voices import PrivateVoiceWatch
from voxbooth.studio.widgets.browser import ProjectsPanel, TakesPanel
from voxbooth.studio.widgets.notices import ServiceBanner
from voxbooth.studio.widgets.uploads import UploadPanel
from voxbooth.studio.widgets.views import FolderView, TakesView
from voxbooth.studio.widgets.waveform import WaveformView
from voxbooth.studio.window import MainWindow, Panels

FILTER_DELAY_MS = 200


@dataclass(eq=False)
class Studio:
    """The built studio: its window and every part, by room."""

    context: StudioContext
    window: MainWindow
    actions_by_key: dict[str, QAction]
    requests: Requests
    # takes
    projects: ProjectsModel
    folders: FolderTreeModel
    takes: TakesModel
    takes_proxy: TakesFilterProxy
    projects_panel: ProjectsPanel
    takes_panel: TakesPanel
    browser: TakesBrowser
    navigation: Navigation
    watcher: ConversionWatcher
    commands: Commands
    # audition
    audition: AuditionController
    playback: PlaybackPanel
    # outbox
    outbox: Outbox
    # desk
    desk: DeskController
    desk_panel: DeskPanel
    script: ScriptSession
    target_band: TargetBand
    desk_commands: DeskCommands
    # voices, orders, calibration
    voices: VoicesModel
    voices_controller: VoicesController
    voices_panel: VoicesPanel
    clones: PrivateVoiceWatch
    order_panel: OrderPanel
    orders: OrderController
    openers: Openers
    empty_list: EmptyList  # what the empty takes list says
    listening: Listening = field(init=False)  # proofing, search by what was said, noise

    # -- the window's widgets, by the names the studio has always used ---------------------------
    @property
    def project_picker(self) -> QComboBox:
        return self.projects_panel.project_picker

    @property
    def folder_view(self) -> FolderView:
        return self.projects_panel.folder_view

    @property
    def takes_view(self) -> TakesView:
        return self.takes_panel.takes_view

    @property
    def filter_edit(self) -> QLineEdit:
        return self.takes_panel.filter_edit

    @property
    def banner(self) -> ServiceBanner:
        return self.takes_panel.banner

    @property
    def upload_panel(self) -> UploadPanel:
        return self.takes_panel.upload_panel

    @property
    def waveform(self) -> WaveformView:
        return self.playback.waveform

    @property
    def transport(self) -> TransportBar:
        return self.playback.transport

    def tell(self, text: str) -> None:
        self.window.tell(text)

    # -- the service ------------------------------------------------------------------------------
    def on_service_ready(self, backend: StudioBackend) -> None:
        """The one slot for a (new) usable connection: the backend first, then each room
        reloads what lives on the service, in this order."""
        first = self.requests.backend is None
        if first:
            # the studio as built: no full collection walks it again (its streams stay findable)
            freeze_start_up(findable=stream_types())
        self.requests.set_backend(backend)
        if backend.rules is not None:
            self.empty_list.set_upload_limit(backend.rules.max_upload_bytes,
                                             backend.rules.audio_formats)
        self.banner.clear()
        self.watcher.start()
        if first:  # after a restart the open project, folder and tree stay as they were
            self.browser.reload_projects()
        self.voices_controller.reload()
        self.clones.follow_unfinished()
        self.orders.refresh_balance()
        self.outbox.resume_waiting()

    def on_service_restored(self) -> None:
        """The service is back (perhaps restarted): the takes are read again, and the artist
        keeps the takes picked and opened, so the audition goes on with them."""
        self.banner.clear()
        self.tell("The service is back; your changes were kept")
        state = self.takes_view.view_state()
        self.takes.populated.connect(lambda: self.takes_view.restore_view(state),
                                     Qt.ConnectionType.SingleShotConnection)
        self.browser.reload_takes()

    def on_server_changed(self) -> None:
        """New server settings: forget the old service's objects and connect again."""
        self.requests.set_backend(None)
        self.projects.set_projects([])
        self.browser.select_project("")
        self.context.connection.reconnect()

    def on_uploaded(self, take: TakeInfo) -> None:
        self.browser.add_take(take)

    def on_take_uploaded(self, path: str, take: TakeInfo) -> None:
        self.script.on_take_uploaded(path, take)
        self.tell(f"Take “{take.label}” uploaded")
        self.target_band.refresh()  # the session's pitch grew

    def on_takes_selected(self, *_args: object) -> None:
        """The order panel mirrors the takes highlighted now, with what each original
        already has made from it (after a new folder, a filter, a deletion too)."""
        takes = [t for t in (self.takes.take(i) for i in self.takes_view.selected_ids())
                 if t is not None]
        made = [c for t in takes if not t.is_conversion for c in self.takes.conversions_of(t.id)]
        self.order_panel.set_takes(takes, made)

    def shut_down(self) -> None:
        """The window closes: a running take is closed, deletions committed, playback and
        watching stopped; the outbox keeps what it has not sent for the next start."""
        self.desk.shutdown()
        self.browser.commit_deletes()
        self.watcher.stop()
        self.playback.stop()
        self.outbox.stop()


def assemble(context: StudioContext, dark: bool = False,
             takes_dir: Path | None = None, window: MainWindow | None = None) -> Studio:
    """Builds the studio on `context`; call `context.connection.start()` once it is shown.
    `window`: one already shown (saying it is starting), which the panels are laid out in."""
    settings = context.settings
    window = window or MainWindow(settings)
    actions = window.actions_by_key
    transport_keys = TransportKeys(window)  # before the desk's own key filter (see its doc)
    requests = Requests(context.runner, window)
    # takes
    projects, folders, takes = ProjectsModel(window), FolderTreeModel(window), TakesModel(window)
    takes_proxy = TakesFilterProxy(window)
    takes_proxy.setSourceModel(takes)
    projects_panel = ProjectsPanel(projects, folders, actions["new_project"])
    takes_panel = TakesPanel(takes_proxy)
    browser = TakesBrowser(requests, projects, folders, takes, window)
    navigation = Navigation(browser, settings, projects_panel.project_picker,
                            projects_panel.folder_view, window)
    watcher = ConversionWatcher(requests, takes, window)
    # audition
    audition = AuditionController(requests, context.player, SoundCache(context.cache_dir), window)
    playback = PlaybackPanel(actions, context.player, dark)
    # outbox and desk
    folder = takes_dir or Path(str(settings.value("desk/takes_dir", "") or default_takes_dir()))
    store = OutboxStore(folder)
    current_folder = lambda: browser.folder_id  # noqa: E731
    outbox = Outbox(requests, store, current_folder, context.runner, context.upload_pool, window)
    desk = DeskController(context.runner, store, outbox, current_folder, window)
    desk_panel = DeskPanel(desk, dark)
    transport_keys.add([*(actions[k] for k in TRANSPORT_KEYS), desk_panel.record_action,
                        desk_panel.punch_action])
    script = ScriptSession(desk, desk_panel.script_panel, ScriptStore(folder), requests, takes)
    # voices and orders
    voices = VoicesModel(window)
    voices_controller = VoicesController(requests, voices, context.cache_dir, window)
    voices_panel = VoicesPanel(voices)
    order_panel = OrderPanel()
    orders = OrderController(requests, takes, order_panel, current_folder, window)
    clones = PrivateVoiceWatch(requests, window)
    target_band = TargetBand(desk, desk_panel.live_view, voices_panel.current_voice)
    commands = Commands(window, browser, outbox, requests, projects_panel.folder_view,
                        takes_panel.takes_view)
    desk_commands = DeskCommands(desk, script, requests, context.player, window.tell)
    openers = Openers(window, requests, desk, target_band, voices_controller, clones, orders,
                      window.tell)
    studio = Studio(context, window, actions, requests, projects, folders, takes, takes_proxy,
                    projects_panel, takes_panel, browser, navigation, watcher, commands,
                    audition, playback, outbox, desk, desk_panel, script, target_band,
                    desk_commands, voices, voices_controller, voices_panel, clones, order_panel,
                    orders, openers,
                    empty_list=EmptyList(takes_panel.takes_view.empty_state,
                                         projects_panel.project_picker, browser, actions, window))
    window.lay_out(Panels(projects_panel, takes_panel, takes_panel.takes_view, playback,
                          desk_panel, _voices_column(voices_panel, order_panel)))
    _menus_of_views(studio)
    _wire_service(studio)
    _wire_takes(studio)
    _wire_audition(studio)
    _wire_desk(studio)
    _wire_voices_and_orders(studio)
    _wire_actions(studio)
    studio.listening = listen_in(studio)
    follow_settings(settings, desk, desk_panel)
    window.closing.connect(studio.shut_down)
    QTimer.singleShot(0, lambda: desk_panel.fill_devices(settings.input_device()))
    desk.recover()  # reads the outbox's queue, repairs takes a crash left open, starts the outbox
    script.load()
    return studio


def _voices_column(voices_panel: VoicesPanel, order_panel: OrderPanel) -> QSplitter:
    right = QSplitter(Qt.Orientation.Vertical)
    right.setObjectName("voicesSplitter")
    right.addWidget(voices_panel)
    # the detail of the current voice, under the list: as long as the voice's text makes it,
    # so it scrolls in its pane rather than squeezing its rows or pushing the window taller
    detail = QScrollArea()
    detail.setObjectName("voiceDetailScroll")
    detail.setWidget(voices_panel.detail)
    detail.setWidgetResizable(True)
    detail.setFrameShape(QFrame.Shape.NoFrame)
    detail.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    detail.setMinimumWidth(voices_panel.detail.minimumSizeHint().width()
                           + detail.verticalScrollBar().sizeHint().width())
    right.addWidget(detail)
    right.addWidget(order_panel)
    right.setSizes([310, 140, 250])  # at 720 px: the detail and two voices to order
    for index, stretch in enumerate((3, 0, 2)):
        right.setStretchFactor(index, stretch)
    return right


def _menus_of_views(s: Studio) -> None:
    a = s.actions_by_key
    s.takes_view.menu_actions = [a["rename_take"], a["star_take"], a["note_take"], None,
                                 a["export_original"], a["retry_take"], None, a["delete_take"]]
    s.folder_view.menu_actions = [a["new_folder"], a["new_subfolder"], a["rename_folder"],
                                  None, a["delete_folder"]]


def _wire_service(s: Studio) -> None:
    conn = s.context.connection
    conn.status.connect(s.window.statusBar().showMessage)
    conn.connecting.connect(s.empty_list.connecting)
    conn.ready.connect(s.empty_list.answered)
    conn.unreachable.connect(s.empty_list.unanswered)
    conn.ready.connect(s.on_service_ready)
    conn.unreachable.connect(s.banner.show_message)
    conn.restored.connect(s.on_service_restored)
    conn.restored.connect(s.outbox.resume_waiting)  # uploads held while it was away
    s.requests.unreachable.connect(conn.report_failure)
    s.requests.error.connect(s.tell)
    for source in (s.browser.message, s.outbox.message, s.desk.message,
                   s.voices_controller.message, s.orders.message, s.clones.message):
        source.connect(s.tell)


def _wire_takes(s: Studio) -> None:
    s.folders.files_dropped.connect(s.outbox.add)
    s.takes_view.files_dropped.connect(lambda paths: s.outbox.add(paths, s.browser.folder_id))
    panel = s.upload_panel
    s.outbox.job_added.connect(panel.add_job)
    s.outbox.job_progress.connect(panel.set_progress)
    s.outbox.job_waiting.connect(panel.set_waiting)
    s.outbox.job_done.connect(panel.finish)
    s.outbox.refused.connect(s.tell)
    s.outbox.uploaded.connect(s.on_uploaded)
    panel.cancel_requested.connect(s.outbox.cancel)
    s.watcher.finished.connect(
        lambda t: s.tell(f"Cleaned take ready: “{t.label}”" if t.cleaned_from else
                         f"Conversion ready: “{t.label}”"
                         + ("" if t.voice_name in t.label else f" ({t.voice_name})")))
    s.watcher.failed.connect(
        lambda t: s.tell(f"Conversion failed: “{t.label}”: {t.error or 'no reason'}"))
    browser = s.takes_panel
    delay = QTimer(s.window)  # filter once typing pauses, not on every key
    delay.setSingleShot(True)
    delay.setInterval(FILTER_DELAY_MS)
    browser.filter_edit.textChanged.connect(lambda _text: delay.start())
    # the list filters at once; the service is asked for what was said (`listening`)
    delay.timeout.connect(lambda: s.listening.search.search(browser.filter_edit.text()))
    browser.starred_only.toggled.connect(s.takes_proxy.set_starred_only)
    browser.state_filter.currentIndexChanged.connect(
        lambda _i: s.takes_proxy.set_state(str(browser.state_filter.currentData())))


def _wire_audition(s: Studio) -> None:
    s.audition.follow(s.takes_view, s.takes)
    s.audition.message.connect(s.tell)
    s.watcher.finished.connect(s.audition.refresh)
    s.playback.attach(s.audition)


def _wire_desk(s: Studio) -> None:
    s.outbox.take_uploaded.connect(s.on_take_uploaded)
    s.folder_view.selectionModel().selectionChanged.connect(
        lambda *_args: s.outbox.adopt_held(s.browser.folder_id))
    s.desk_panel.device_chosen.connect(s.context.settings.set_input_device)
    s.desk_panel.calibrate_requested.connect(s.openers.open_calibration)
    s.desk_panel.punch_requested.connect(s.desk_commands.punch_in)
    _wire_punch(s)
    edits = TakeEdits(s.requests, s.audition, s.takes, s.outbox, lambda: s.desk.takes_dir,
                      s.tell, s.window)
    s.waveform.edit_requested.connect(edits.apply)


def _wire_punch(s: Studio) -> None:
    """The waveform's selection is the punch-in region; a punch is drawn while it runs."""
    wave, panel, desk = s.waveform, s.desk_panel, s.desk
    wave.selection_changed.connect(panel.set_punch_region)
    panel.punch_requested.connect(
        lambda plan: wave.show_punch(plan.start_s, plan.end_s, PREROLL_S))
    for ended in (desk.take_stopped, desk.take_failed):
        ended.connect(lambda *_args: wave.clear_punch())


def _wire_voices_and_orders(s: Studio) -> None:
    # announced when finished even if the artist has left the folder before the order answered
    s.orders.ordered.connect(s.watcher.follow)
    s.takes_view.selectionModel().selectionChanged.connect(s.on_takes_selected)
    # the proxy, then the view's selection model, hear these first: the slot reads the
    # selection as it is after the change (a reset or a filter drops rows from it without a
    # selection signal); the model's own signals carry hidden conversions' progress too
    takes, proxy = s.takes, s.takes_proxy
    for changed in (takes.dataChanged, takes.rowsInserted, takes.rowsRemoved, takes.modelReset,
                    proxy.modelReset, proxy.rowsRemoved, proxy.layoutChanged):
        changed.connect(s.on_takes_selected)
    panel = s.voices_panel
    panel.selection_changed.connect(s.order_panel.set_voices)
    panel.current_changed.connect(s.target_band.show)
    panel.new_voice_requested.connect(s.openers.open_new_voice)
    panel.detail.favorite_toggled.connect(s.voices_controller.toggle_favorite)
    panel.detail.semitones_saved.connect(s.voices_controller.save_semitones)
    panel.detail.sample_requested.connect(s.voices_controller.fetch_accent_sample)
    s.voices_controller.sample_ready.connect(s.desk_commands.play_sample)
    s.voices_controller.speaker_f0.connect(s.target_band.set_speaker_f0)
    s.voices_controller.voice_changed.connect(s.target_band.follow_voice)
    s.clones.ready.connect(lambda _voice_id: s.voices_controller.reload())
    s.order_panel.tts_requested.connect(s.openers.open_tts)


def _wire_actions(s: Studio) -> None:
    a, c, lib = s.actions_by_key, s.commands, s.browser
    slots = {
        "new_project": c.new_project, "rename_project": c.rename_project,
        "delete_project": c.delete_project, "import_files": c.import_files,
        "export_project": c.export_project, "export_original": c.export_original,
        "settings": lambda: c.open_settings(s.context, s.on_server_changed),
        "quit": s.window.close,
        "new_folder": c.new_folder, "new_subfolder": lambda: c.new_folder(inside=True),
        "rename_folder": c.rename_folder, "delete_folder": c.delete_folder,
        "rename_take": c.rename_take, "note_take": c.note_take,
        "star_take": lambda: lib.toggle_star(s.takes_view.selected_ids()),
        "delete_take": lambda: lib.delete_takes(s.takes_view.selected_ids()),
        "undo_delete": lib.undo_delete, "refresh": lib.reload_takes,
        "retry_take": lambda: lib.retry_all(s.takes_view.selected_ids()),
        "stats": c.open_stats,
        "shortcuts": c.open_shortcuts, "about": c.open_about,
    }
    for key, slot in slots.items():
        a[key].triggered.connect(lambda _checked=False, f=slot: f())
