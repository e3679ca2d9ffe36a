"""The studio's settings: QSettings for choices and layout, the OS keyring for secrets.

Choices that apply at once (audio devices, the takes folder) are announced by signal when they
change, so the desk and the player follow a change made in Settings without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from PySide6.QtCore import QByteArray, QObject, QSettings, Signal


def default_data_dir() -> Path:
    """Where the embedded service keeps its database and audio, per the OS's conventions."""
    return Path(platformdirs.user_data_dir("VoxBooth", "VoxBooth")) / "service"


#: a studio whose settings (and takes) are kept apart: tests, benchmarks, a second profile
SETTINGS_DIR_ENV = "VOXBOOTH_STUDIO_SETTINGS_DIR"

KEYRING_SERVICE = "VoxBooth"
EMBEDDED, REMOTE = "embedded", "remote"
#: the studio's themes, as Settings offers them: the OS's scheme, or one chosen for good
SYSTEM_THEME, LIGHT_THEME, DARK_THEME = "system", "light", "dark"
THEMES = {SYSTEM_THEME: "Follow the system", LIGHT_THEME: "Light", DARK_THEME: "Dark"}


@dataclass
class ServerChoice:
    mode: str = EMBEDDED  # EMBEDDED or REMOTE
    remote_url: str = ""
    email: str = ""  # login instead of an API key when set
    data_dir: Path | None = None  # the embedded service's; None: the OS default


class StudioSettings(QObject):
    """Typed access to QSettings (dependencies passed in: tests give their own QSettings).

    GUI thread for the setters: their signals reach the desk and the player directly."""

    output_device_changed = Signal(str)  # "" for the system default
    input_device_changed = Signal(str)  # "" for the system default
    takes_folder_changed = Signal(object)  # Path, or None for the desk's own folder
    theme_changed = Signal(str)  # one of THEMES

    def __init__(self, qsettings: QSettings | None = None) -> None:
        super().__init__()
        self.qs = qsettings if qsettings is not None else QSettings("VoxBooth", "Studio")

    # -- server -------------------------------------------------------------------------------
    def server(self) -> ServerChoice:
        data_dir = str(self.qs.value("server/data_dir", "") or "")
        return ServerChoice(
            mode=str(self.qs.value("server/mode", EMBEDDED) or EMBEDDED),
            remote_url=str(self.qs.value("server/remote_url", "") or ""),
            email=str(self.qs.value("server/email", "") or ""),
            data_dir=Path(data_dir) if data_dir else None,
        )

    def set_server(self, choice: ServerChoice) -> None:
        self.qs.setValue("server/mode", choice.mode)
        self.qs.setValue("server/remote_url", choice.remote_url)
        self.qs.setValue("server/email", choice.email)
        self.qs.setValue("server/data_dir", str(choice.data_dir) if choice.data_dir else "")

    def embedded_data_dir(self) -> Path:
        return self.server().data_dir or default_data_dir()

    # -- audio --------------------------------------------------------------------------------
    def output_device(self) -> str:
        return str(self.qs.value("audio/output_device", "") or "")

    def set_output_device(self, name: str) -> None:
        if name != self.output_device():
            self.qs.setValue("audio/output_device", name)
            self.output_device_changed.emit(name)

    def input_device(self) -> str:
        return str(self.qs.value("audio/input_device", "") or "")

    def set_input_device(self, name: str) -> None:
        if name != self.input_device():
            self.qs.setValue("audio/input_device", name)
            self.input_device_changed.emit(name)

    # -- storage ------------------------------------------------------------------------------
    def takes_folder(self) -> Path | None:
        """Where new takes are recorded; None: the desk's own folder (`default_takes_dir`).

        Not the desk's folder itself (`desk/takes_dir`), which keeps the upload queue and the
        script: a queue that stays put still finds the takes recorded before a change."""
        folder = str(self.qs.value("storage/takes_folder", "") or "")
        return Path(folder) if folder else None

    def set_takes_folder(self, folder: Path | None) -> None:
        if folder != self.takes_folder():
            self.qs.setValue("storage/takes_folder", str(folder) if folder else "")
            self.takes_folder_changed.emit(folder)

    # -- appearance -----------------------------------------------------------------------------
    def theme(self) -> str:
        """One of THEMES (the system's scheme unless another was chosen)."""
        chosen = str(self.qs.value("appearance/theme", SYSTEM_THEME) or SYSTEM_THEME)
        return chosen if chosen in THEMES else SYSTEM_THEME

    def set_theme(self, theme: str) -> None:
        if theme not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}, not {theme!r}")
        if theme != self.theme():
            self.qs.setValue("appearance/theme", theme)
            self.theme_changed.emit(theme)

    # -- layout and last selections -------------------------------------------------------------
    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        geometry = self.qs.value("window/geometry")
        state = self.qs.value("window/state")
        return (geometry if isinstance(geometry, QByteArray) else None,
                state if isinstance(state, QByteArray) else None)

    def set_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self.qs.setValue("window/geometry", geometry)
        self.qs.setValue("window/state", state)

    def value(self, key: str, default: Any = "") -> Any:
        return self.qs.value(key, default)

    def set_value(self, key: str, value: Any) -> None:
        self.qs.setValue(key, value)

    def last_project_id(self) -> str:
        return str(self.qs.value("selection/project", "") or "")

    def last_folder_id(self) -> str:
        return str(self.qs.value("selection/folder", "") or "")

    def remember_selection(self, project_id: str, folder_id: str) -> None:
        self.qs.setValue("selection/project", project_id)
        self.qs.setValue("selection/folder", folder_id)

    def sync(self) -> None:
        self.qs.sync()


# -- secrets: the API key of a remote server lives in the OS keyring, never in QSettings -------
# keyring is imported when a key is first needed: importing it (its backends' entry points,
# urllib, ssl, email) costs half a second, and the window paints before any key is read
def load_api_key(server_url: str) -> str | None:
    import keyring.errors

    try:
        return keyring.get_password(KEYRING_SERVICE, server_url)
    except keyring.errors.KeyringError:
        return None


def store_api_key(server_url: str, api_key: str) -> bool:
    """Returns False when no keyring is usable (the key then lives for this session only)."""
    import keyring.errors

    try:
        if api_key:
            keyring.set_password(KEYRING_SERVICE, server_url, api_key)
        else:
            keyring.delete_password(KEYRING_SERVICE, server_url)
    except keyring.errors.PasswordDeleteError:
        return True
    except keyring.errors.KeyringError:
        return False
    return True
