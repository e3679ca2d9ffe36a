"""Settings: the API key goes to the OS keyring, never into the settings file."""

from __future__ import annotations

from pathlib import Path

import keyring
from PySide6.QtCore import QSettings

from voxbooth.studio.dialogs.settings import SettingsDialog
from voxbooth.studio.service.workers import InlineThreadPool, TaskRunner
from voxbooth.studio.settings import REMOTE, StudioSettings, load_api_key


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


def _dialog(qtbot, settings: StudioSettings) -> SettingsDialog:
    dialog = SettingsDialog(settings, TaskRunner(InlineThreadPool()))
    qtbot.addWidget(dialog)
    return dialog


def test_ok_without_a_change_does_not_reconnect(qtbot, tmp_path: Path) -> None:
    """A first OK on the dialog as it opened (the default data folder shown filled in) changes
    nothing: in embedded mode a reconnect would restart the artist's service for nothing."""
    settings = StudioSettings(QSettings(str(tmp_path / "studio.ini"), QSettings.Format.IniFormat))
    first = _dialog(qtbot, settings)
    assert first.data_dir.text()  # the default folder is shown
    assert not first.save()
    assert not _dialog(qtbot, settings).save()
    moved = _dialog(qtbot, settings)
    moved.data_dir.setText(str(tmp_path / "elsewhere"))
    assert moved.save()  # a folder really chosen is a change
    assert settings.server().data_dir == tmp_path / "elsewhere"


def test_a_new_key_from_logging_in_again_reconnects(qtbot, tmp_path: Path) -> None:
    """Same server, same e-mail, a fresh key from a login: the studio must switch to it (the old
    one may have been revoked), though the key field was filled by the login, not typed."""
    settings = StudioSettings(QSettings(str(tmp_path / "studio.ini"), QSettings.Format.IniFormat))
    setup = _dialog(qtbot, settings)
    setup.remote.setChecked(True)
    setup.url.setText("https://voxbooth.example.org")
    setup.email.setText("artist@example.com")
    setup.api_key.setText("vbk_old")
    assert setup.save()
    assert not _dialog(qtbot, settings).save()  # nothing changed
    again = _dialog(qtbot, settings)
    again._on_key("vbk_new")  # what a successful login hands the dialog
    assert again.save()
    assert load_api_key("https://voxbooth.example.org") == "vbk_new"
