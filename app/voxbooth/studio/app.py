"""Starting the studio: the QApplication, the theme, the window, and the service behind it."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from voxbooth.resources import resources_dir
from voxbooth.studio.context import StudioContext
from voxbooth.studio.service.embedded import EmbeddedService
from voxbooth.studio.settings import (
    EMBEDDED,
    REMOTE,
    SETTINGS_DIR_ENV,
    ServerChoice,
    StudioSettings,
)
from voxbooth.studio.theme import ThemeFollower

if TYPE_CHECKING:
    from voxbooth.studio.assembly import Studio

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


def make_settings() -> StudioSettings:
    folder = os.environ.get(SETTINGS_DIR_ENV)
    if folder:
        return StudioSettings(QSettings(str(Path(folder) / "studio.ini"),
                                        QSettings.Format.IniFormat))
    return StudioSettings()


class _Milestones(QObject):
    """Prints when the window first paints and when the service is usable (benchmarks)."""

    def __init__(self, studio: Studio, started_s: float) -> None:
        super().__init__(studio.window)
        self.started_s = started_s
        self.painted = False
        studio.window.installEventFilter(self)
        studio.browser.projects_loaded.connect(lambda: self._say("service-ready"))

    def _say(self, what: str) -> None:
        print(f"voxbooth-studio {what} {time.perf_counter() - self.started_s:.3f}", flush=True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.painted and event.type() == QEvent.Type.Paint:
            self.painted = True
            QTimer.singleShot(0, lambda: self._say("first-paint"))
        return False


def studio_settings(data_dir: Path | None = None, server_url: str = "") -> StudioSettings:
    """The saved settings with the command line's choices applied (and remembered)."""
    settings = make_settings()
    if data_dir is not None or server_url:
        choice = settings.server()
        settings.set_server(ServerChoice(
            mode=REMOTE if server_url else choice.mode if data_dir is None else EMBEDDED,
            remote_url=server_url or choice.remote_url, email=choice.email,
            data_dir=data_dir or choice.data_dir))
    return settings


def build_studio(app: QApplication, *, data_dir: Path | None = None, server_url: str = "",
                 settings: StudioSettings | None = None,
                 embedded: EmbeddedService | None = None) -> Studio:
    """The studio with its context; call `studio.context.connection.start()` once shown.
    `embedded`: a service child already launched, which the studio then uses."""
    from voxbooth.studio.assembly import assemble  # pyqtgraph and the panels: after the launch
    from voxbooth.studio.plot_theme import PlotColours

    settings = settings or studio_settings(data_dir, server_url)
    theme = ThemeFollower(app, settings)  # the chosen theme, applied before anything is drawn
    context = StudioContext.create(settings)
    context.connection.embedded = embedded
    studio = assemble(context, theme.dark)
    theme.setParent(studio.window)  # it follows for as long as the window lives
    PlotColours(studio.window, theme.dark)  # the plots follow the theme too (kept by the window)
    return studio


def launch_embedded_early(settings: StudioSettings) -> EmbeddedService | None:
    """Launches the embedded service before Qt and the window load, so the two start side by
    side (the wait for it to answer happens later, in a worker)."""
    if settings.server().mode == REMOTE and settings.server().remote_url:
        return None
    service = EmbeddedService(settings.embedded_data_dir())
    service.start()
    return service


def run(argv: Sequence[str] = (), *, data_dir: Path | None = None, server_url: str = "") -> int:
    started_s = time.perf_counter()
    settings = studio_settings(data_dir, server_url)
    embedded = launch_embedded_early(settings)
    try:
        app = make_application(argv)
        studio = build_studio(app, settings=settings, embedded=embedded)
    except BaseException:
        if embedded is not None:
            embedded.stop()  # never leave the child behind
        raise
    if os.environ.get(TIMING_ENV):
        _Milestones(studio, started_s)
    studio.window.show()
    QTimer.singleShot(0, studio.context.connection.start)
    quit_on_signals(app)
    try:
        return int(app.exec())
    finally:
        shutdown(studio)


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
    pool = studio.context.runner.pool
    wait = getattr(pool, "waitForDone", None)
    if wait is not None:
        wait(5000)
    studio.context.connection.stop()
