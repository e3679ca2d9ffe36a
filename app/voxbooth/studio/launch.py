"""The first steps of `voxbooth studio`, before Qt's widgets load: the settings, and the embedded
service launched so that its start (about a second and a half) runs beside the studio's own.

Qt's core and the settings only: importing the window's modules (QtWidgets, the theme) takes a
few tenths of a second more, which the service would otherwise wait for.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings

from voxbooth.studio.settings import (
    EMBEDDED,
    REMOTE,
    SETTINGS_DIR_ENV,
    ServerChoice,
    StudioSettings,
)

if TYPE_CHECKING:
    from voxbooth.studio.service.embedded import EmbeddedService


def make_settings() -> StudioSettings:
    folder = os.environ.get(SETTINGS_DIR_ENV)
    if folder:
        return StudioSettings(QSettings(str(Path(folder) / "studio.ini"),
                                        QSettings.Format.IniFormat))
    return StudioSettings()


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


def launch_embedded_early(settings: StudioSettings) -> EmbeddedService | None:
    """Launches the embedded service before the window's modules load, so the two start side
    by side (the wait for it to answer happens later, in a worker)."""
    if settings.server().mode == REMOTE and settings.server().remote_url:
        return None
    from voxbooth.studio.service.embedded import EmbeddedService

    service = EmbeddedService(settings.embedded_data_dir())
    service.start()
    return service
