"""Starting the studio: the QApplication, the theme, the window, and the service behind it.

The window paints first and is built after: `run` shows the bare main window (its menus and a
line saying the studio is starting) as soon as Qt is up, and only after that first paint imports
and builds the panels (pyqtgraph's plots, the desk and its PortAudio, the service's client) into
it. So nothing heavy is imported before the window paints; this module imports Qt and the
settings only.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from voxbooth.resources import resources_dir
from voxbooth.studio.launch import launch_embedded_early, studio_settings
from voxbooth.studio.settings import StudioSettings
from voxbooth.studio.theme import ThemeFollower, palette_is_dark
from voxbooth.studio.window import MainWindow

if TYPE_CHECKING:
    from voxbooth.studio.assembly import Studio
    from voxbooth.studio.service.embedded import EmbeddedService

__all__ = ["Launch", "build_studio", "launch_embedded_early", "make_application", "run",
           "shutdown", "starting_window", "studio_settings"]

STARTING_TEXT = "Opening the studio…"

TIMING_ENV = "VOXBOOTH_STUDIO_TIMING"  # prints start-up milestones for the benchmarks


def make_application(argv: Sequence[str] = ()) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication([sys.argv[0], *argv])
    app.setOrganizationName("VoxBooth")
    app.setApplicationName("Studio")
    app.setApplicationDisplayName("VoxBooth Studio")
    app.setDesktopFileName("voxbooth")
    icon = resources_dir() / "icons" / "voxbooth.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


class AfterFirstPaint(QObject):
    """Calls `then` once `widget` has painted for the first time (from the event loop, after
    the paint has reached the screen)."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self.then: Callable[[], None] | None = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.then is not None and event.type() == QEvent.Type.Paint:
            then, self.then = self.then, None
            QTimer.singleShot(0, then)
        return False


def build_studio(app: QApplication, *, data_dir: Path | None = None, server_url: str = "",
                 settings: StudioSettings | None = None,
                 embedded: EmbeddedService | None = None,
                 window: MainWindow | None = None) -> Studio:
    """The studio with its context; call `studio.context.connection.start()` once shown.
    `embedded`: a service child already launched, which the studio then uses; `window`: the
    main window already shown (`starting_window`), which the panels are then built into."""
    # the panels, pyqtgraph, PortAudio and the service's client: imported here, once the
    # window has painted (`run`), never at the start
    from voxbooth.studio.assembly import assemble
    from voxbooth.studio.context import StudioContext
    from voxbooth.studio.plot_theme import PlotColours

    settings = settings or studio_settings(data_dir, server_url)
    theme = ThemeFollower(app, settings) if window is None else None  # else: applied with it
    dark = palette_is_dark(app.palette())  # the chosen theme, applied before anything is drawn
    context = StudioContext.create(settings)
    context.connection.embedded = embedded
    studio = assemble(context, dark, window=window)
    if theme is not None:
        theme.setParent(studio.window)  # it follows for as long as the window lives
    PlotColours(studio.window, dark)  # the plots follow the theme too (kept by the window)
    return studio


def starting_window(app: QApplication, settings: StudioSettings) -> MainWindow:
    """The main window as it first paints: themed, sized, its menus greyed, saying the studio
    is starting. Qt and the settings only: it shows in about a bare window's time."""
    theme = ThemeFollower(app, settings)  # the chosen theme, from the first paint on
    window = MainWindow(settings)
    theme.setParent(window)  # it follows for as long as the window lives
    window.show_starting(STARTING_TEXT)
    return window


class Launch(QObject):
    """The studio starting: the window shown at once, the studio built into it once it has
    painted, then connected. `studio` is None until `built`; a failure to build is `failed`."""

    built = Signal(object)  # Studio
    failed = Signal(object)  # BaseException

    def __init__(self, app: QApplication, settings: StudioSettings,
                 embedded: EmbeddedService | None,
                 milestone: Callable[[str], None] = lambda _what: None) -> None:
        window = starting_window(app, settings)
        super().__init__(window)
        self.window = window
        self.app, self.settings, self.embedded = app, settings, embedded
        self.milestone = milestone
        self.studio: Studio | None = None
        AfterFirstPaint(self.window, self._build)
        self.window.show()

    def _usable(self) -> None:
        self.milestone("service-ready")
        threading.Thread(target=self._warm, name="analysis-warm-up", daemon=True).start()

    def _warm(self) -> None:  # background thread: the first audition then waits for no import
        from voxbooth.studio.analysis import warm_analysis

        warm_analysis()
        self.milestone("warmed")

    def _build(self) -> None:
        self.milestone("first-paint")
        try:
            studio = build_studio(self.app, settings=self.settings, embedded=self.embedded,
                                  window=self.window)
        except Exception as exc:
            self.failed.emit(exc)
            return
        self.studio = studio
        self.milestone("built")
        studio.browser.projects_loaded.connect(self._usable,
                                               Qt.ConnectionType.SingleShotConnection)
        studio.context.connection.ready.connect(lambda _backend: self.milestone("connected"),
                                                Qt.ConnectionType.SingleShotConnection)
        self.built.emit(studio)
        studio.context.connection.start()


def run(argv: Sequence[str] = (), *, data_dir: Path | None = None, server_url: str = "",
        launched: tuple[StudioSettings, EmbeddedService | None] | None = None,
        started_s: float | None = None) -> int:
    """Shows the window at once, builds the studio into it after its first paint, then
    connects; returns when the window has closed and the embedded service has stopped.
    `launched`: the settings and the service `launch` already started (`voxbooth studio`);
    `started_s`: when the launch began (perf_counter), for the milestones."""
    started_s = time.perf_counter() if started_s is None else started_s
    if launched is None:
        settings = studio_settings(data_dir, server_url)
        launched = settings, launch_embedded_early(settings)
    settings, embedded = launched
    failed: list[BaseException] = []

    def milestone(what: str) -> None:  # for the benchmarks (tests/bench)
        if os.environ.get(TIMING_ENV):
            print(f"voxbooth-studio {what} {time.perf_counter() - started_s:.3f}", flush=True)

    if os.environ.get(TIMING_ENV):  # and what the GUI thread imports itself
        from voxbooth.studio.import_watch import GuiThreadImports

        GuiThreadImports(lambda name: milestone(f"gui-imports-{name}")).install()

    try:
        app = make_application(argv)
        launch = Launch(app, settings, embedded, milestone)
    except BaseException:
        if embedded is not None:
            embedded.stop()  # never leave the child behind
        raise
    def on_failed(exc: BaseException) -> None:  # raised after the loop, the child stopped
        failed.append(exc)
        app.quit()

    launch.failed.connect(on_failed)
    quit_on_signals(app)
    try:
        code = int(app.exec())
    finally:
        if launch.studio is not None:
            shutdown(launch.studio)
        elif embedded is not None:
            embedded.stop()
    if failed:
        raise failed[0]
    return code


def quit_on_signals(app: QApplication) -> None:
    """SIGTERM and Ctrl+C close the studio properly, so the embedded service is stopped too.

    Python runs signal handlers only when it holds the interpreter: a timer gives it a turn.
    """
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_args: app.closeAllWindows())
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)


def shutdown(studio: Studio) -> None:
    """After the event loop: lets queued work finish briefly, then stops the embedded service."""
    studio.context.runner.pool.waitForDone(5000)
    studio.context.connection.stop()
