"""Settings: the API key goes to the OS keyring, never into the settings file."""

from __future__ import annotations

from pathlib import Path

import keyring
from PySide6.QtCore import QSettings

from voxbooth.studio.dialogs.settings import SettingsDialog
from voxbooth.studio.settings import REMOTE, StudioSettings, load_api_key
from voxbooth.studio.workers import InlineThreadPool, TaskRunner


def test_remote_server_key_is_kept_in_the_keyring_only(qtbot, tmp_path: Path) -> None:
    ini = tmp_path / "studio.ini"
    settings = StudioSettings(QSettings(str(ini), QSettings.Format.IniFormat))
    dialog = SettingsDialog(settings, TaskRunner(InlineThreadPool()))
    qtbot.addWidget(dialog)
    dialog.remote.setChecked(True)
    dialog.url.setText("https://voxbooth.example.org/")
    dialog.api_key.setText("vbk_secret_value")
    assert dialog.save()  # the server changed: the studio connects again
    assert settings.server().mode == REMOTE
    assert settings.server().remote_url == "https://voxbooth.example.org"
    assert load_api_key("https://voxbooth.example.org") == "vbk_secret_value"
    assert keyring.get_password("VoxBooth", "https://voxbooth.example.org") == "vbk_secret_value"
    assert "vbk_secret_value" not in ini.read_text()
    again = SettingsDialog(settings, TaskRunner(InlineThreadPool()))
    qtbot.addWidget(again)
    assert again.api_key.text() == "vbk_secret_value" and again.remote.isChecked()
