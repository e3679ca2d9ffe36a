"""Building a studio window for tests: settings in a temp dir, pointed at a given service."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QRunnable, QSettings, QThreadPool
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tests.support.server import LiveServer
from voxbooth.audio.playback import Player
from voxbooth.studio.assembly import Studio, assemble
from voxbooth.studio.context import StudioContext
from voxbooth.studio.service.connection import ServiceConnection
from voxbooth.studio.service.workers import TaskRunner
from voxbooth.studio.settings import REMOTE, ServerChoice, StudioSettings, store_api_key


class InlineThreadPool:
    """Runs each worker at once on the calling thread, so tests know which work ran in which
    order; its results still arrive as the studio's do, on a later turn of the event loop
    (the runner's connections are queued), so a test waits for what the artist would see."""

    def start(self, runnable: QRunnable) -> None:
        runnable.run()

    def waitForDone(self, msecs: int = -1) -> bool:
        return True


def wait_until(check: Callable[[], object], timeout_ms: int = 30_000) -> None:
    """Lets the event loop run (answers arrive through it) until `check` is true or stops
    raising AssertionError, as `qtbot.waitUntil` does, for helpers that have no qtbot; the
    last AssertionError is raised if it never passes."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        try:
            result = check()
            if result is None or result:
                return
            failure: AssertionError = AssertionError(f"still false after {timeout_ms} ms")
        except AssertionError as exc:
            failure = exc
        if time.monotonic() > deadline:
            raise failure
        QTest.qWait(10)


def remote_settings(folder: Path, url: str, api_key: str) -> StudioSettings:
    settings = StudioSettings(QSettings(str(folder / "studio.ini"), QSettings.Format.IniFormat))
    settings.set_server(ServerChoice(mode=REMOTE, remote_url=url))
    store_api_key(url, api_key)
    return settings


def inline_window(folder: Path, url: str, api_key: str, *, threads: bool = False) -> Studio:
    """A window whose workers run inline (deterministic), talking to `url`; with `threads`,
    on a pool of real threads of its own, as the studio runs them (answers arrive later)."""
    settings = remote_settings(folder, url, api_key)
    pool: InlineThreadPool | QThreadPool = QThreadPool() if threads else InlineThreadPool()
    runner = TaskRunner(pool)
    context = StudioContext(settings, runner, ServiceConnection(runner, settings),
                            Player(defer_device=True), cache_dir=folder / "cache",
                            upload_pool=pool)
    context.cache_dir.mkdir(parents=True, exist_ok=True)
    return assemble(context)


def open_new_folder(window: Studio, qtbot: QtBot, project_name: str, name: str) -> str:
    """Makes a project with one folder on the service and opens that folder in the window, as
    an artist picking it would; returns the folder's id."""
    wait_until(lambda: window.requests.backend is not None)
    backend = window.requests.backend
    assert backend is not None
    project = backend.create_project(project_name)
    folder = backend.create_folder(project.id, name, None)
    window.browser.reload_projects()
    qtbot.waitUntil(lambda: window.projects.row_of(project.id) >= 0, timeout=10000)
    window.project_picker.setCurrentIndex(window.projects.row_of(project.id))
    qtbot.waitUntil(lambda: window.folders.index_of(folder.id).isValid(), timeout=10000)
    window.folder_view.setCurrentIndex(window.folders.index_of(folder.id))
    qtbot.waitUntil(lambda: window.browser.folder_id == folder.id, timeout=10000)
    return folder.id


@contextmanager
def running_window(qtbot: QtBot, folder: Path, server: LiveServer, *, show: bool = True,
                   connect: bool = True, threads: bool = False) -> Iterator[Studio]:
    """A window on `server` (workers inline, or with `threads` on real threads), shown and
    connected unless asked not to; closed afterwards with its health checks stopped, or it
    would keep polling a stopped service."""
    w = inline_window(folder, server.url, server.api_key, threads=threads)
    qtbot.addWidget(w.window)
    try:
        if show:
            w.window.show()
        if connect:
            w.context.connection.start()
            # connected as the artist sees it: a project open, its takes listed
            wait_until(lambda: w.requests.backend is not None and bool(w.browser.project_id)
                       and not w.takes.loading)
        yield w
    finally:
        w.window.close()
        w.context.connection.stop()
        if isinstance(w.context.runner.pool, QThreadPool):
            w.context.runner.pool.waitForDone(30000)  # no worker outlives its window

