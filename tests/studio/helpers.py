"""Building a studio window for tests: settings in a temp dir, pointed at a given service."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from voxbooth.audio.playback import Player
from voxbooth.studio.connection import ServiceConnection
from voxbooth.studio.context import StudioContext
from voxbooth.studio.settings import REMOTE, ServerChoice, StudioSettings, store_api_key
from voxbooth.studio.window import MainWindow
from voxbooth.studio.workers import InlineThreadPool, TaskRunner


def remote_settings(folder: Path, url: str, api_key: str) -> StudioSettings:
    settings = StudioSettings(QSettings(str(folder / "studio.ini"), QSettings.Format.IniFormat))
    settings.set_server(ServerChoice(mode=REMOTE, remote_url=url))
    store_api_key(url, api_key)
    return settings


def inline_window(folder: Path, url: str, api_key: str) -> MainWindow:
    """A window whose workers run inline (deterministic), talking to `url`."""
    settings = remote_settings(folder, url, api_key)
    runner = TaskRunner(InlineThreadPool())
    context = StudioContext(settings, runner, ServiceConnection(runner, settings),
                            Player(defer_device=True), cache_dir=folder / "cache",
                            upload_pool=InlineThreadPool())
    context.cache_dir.mkdir(parents=True, exist_ok=True)
    return MainWindow(context)
