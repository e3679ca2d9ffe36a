"""Settings: the API key goes to the OS keyring, never into the settings file; the theme
applies at once and is kept."""

from __future__ import annotations

from pathlib import Path

import keyring
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from tests.studio.helpers import InlineThreadPool
from voxbooth.studio.app import build_studio
from voxbooth.studio.assembly import Studio
from voxbooth.studio.dialogs.settings import SettingsDialog
from voxbooth.studio.service.workers import TaskRunner
from voxbooth.studio.settings import (
    DARK_THEME,
    REMOTE,
    SYSTEM_THEME,
    ServerChoice,
    StudioSettings,
    load_api_key,
)
from voxbooth.studio.theme import apply_theme, os_prefers_dark, palette_is_dark, plot_colours


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


def test_theme_chosen_in_settings_applies_at_once_and_at_the_next_start(
        qtbot, tmp_path: Path, monkeypatch) -> None:
    """Dark chosen in Settings: the window and its plots turn dark without a restart, and the
    next start opens dark; "Follow the system" goes back to the OS's scheme."""
    monkeypatch.setenv("VOXBOOTH_TAKES_DIR", str(tmp_path / "takes"))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    style, palette, sheet = app.style().name(), app.palette(), app.styleSheet()
    ini = tmp_path / "studio.ini"
    started: list[Studio] = []

    def start() -> Studio:
        settings = StudioSettings(QSettings(str(ini), QSettings.Format.IniFormat))
        settings.set_server(ServerChoice(mode=REMOTE, remote_url="http://127.0.0.1:9"))
        studio = build_studio(app, settings=settings)  # never connected: no service needed
        started.append(studio)
        qtbot.addWidget(studio.window)
        studio.window.show()
        return studio

    def background(studio: Studio) -> QColor:
        return studio.waveform.plot.grab().toImage().pixelColor(3, 3)

    light = QColor(plot_colours(False)["background"])
    dark = QColor(plot_colours(True)["background"])
    try:
        assert not os_prefers_dark(app)  # offscreen the OS says nothing: light
        first = start()
        assert background(first) == light
        dialog = SettingsDialog(first.context.settings, first.context.runner, first.window)
        offered = [dialog.theme.itemText(i) for i in range(dialog.theme.count())]
        assert offered == ["Follow the system", "Light", "Dark"]
        dialog.theme.setCurrentIndex(dialog.theme.findData(DARK_THEME))
        dialog.accept()
        assert not dialog.save()  # a theme is no reason to connect again
        assert palette_is_dark(app.palette())
        qtbot.waitUntil(lambda: background(first) == dark, timeout=3000)
        first.window.close()
        apply_theme(app, dark=False)  # a new process starts with Qt's light palette
        again = start()  # the next start
        assert again.context.settings.theme() == DARK_THEME
        assert palette_is_dark(app.palette()) and background(again) == dark
        again.context.settings.set_theme(SYSTEM_THEME)
        assert not palette_is_dark(app.palette())
        qtbot.waitUntil(lambda: background(again) == light, timeout=3000)
    finally:
        for studio in started:
            studio.window.close()
            studio.context.runner.pool.waitForDone(10000)
        app.setStyle(style)
        app.setPalette(palette)
        app.setStyleSheet(sheet)
