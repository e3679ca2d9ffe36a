"""Dark and light themes on the Fusion style: the OS's (Qt's colour scheme hint), or the one
chosen in Settings, applied at once and at every start."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from voxbooth.resources import resources_dir
from voxbooth.studio.settings import DARK_THEME, LIGHT_THEME, StudioSettings


def os_prefers_dark(app: QGuiApplication) -> bool:
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    palette = QPalette()
    window, base, text = QColor(37, 37, 40), QColor(27, 27, 30), QColor(230, 230, 230)
    for role, colour in (
        (QPalette.ColorRole.Window, window), (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base), (QPalette.ColorRole.AlternateBase, window),
        (QPalette.ColorRole.ToolTipBase, base), (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.Text, text), (QPalette.ColorRole.Button, window),
        (QPalette.ColorRole.ButtonText, text), (QPalette.ColorRole.Highlight, QColor(64, 128, 214)),
        (QPalette.ColorRole.HighlightedText, QColor(255, 255, 255)),
        (QPalette.ColorRole.Link, QColor(110, 170, 255)),
        (QPalette.ColorRole.PlaceholderText, QColor(140, 140, 140)),
    ):
        palette.setColor(role, colour)
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(120, 120, 120))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText,
                     QColor(120, 120, 120))
    return palette


def apply_theme(app: QApplication, dark: bool | None = None) -> bool:
    """Applies the OS's scheme (or the one asked for); returns whether it is dark."""
    dark = os_prefers_dark(app) if dark is None else dark
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if dark else app.style().standardPalette())
    sheet = resources_dir() / "theme" / "studio.qss"
    app.setStyleSheet(sheet.read_text() if sheet.is_file() else "")
    return dark


def theme_is_dark(app: QGuiApplication, theme: str) -> bool:
    """Whether `theme` (one of `settings.THEMES`) is dark here and now."""
    if theme in (DARK_THEME, LIGHT_THEME):
        return theme == DARK_THEME
    return os_prefers_dark(app)


class ThemeFollower(QObject):
    """Keeps the application in the theme chosen in Settings: re-applied when the choice
    changes, and when the OS switches scheme while the choice is to follow it. Plots follow
    the palette by themselves (`plot_theme.PlotColours`)."""

    def __init__(self, app: QApplication, settings: StudioSettings) -> None:
        super().__init__()
        self.app = app
        self.settings = settings
        self.dark = apply_theme(app, theme_is_dark(app, settings.theme()))
        settings.theme_changed.connect(self.apply)
        app.styleHints().colorSchemeChanged.connect(self.apply)

    def apply(self, *_args: object) -> None:
        """GUI thread: the choice or the OS's scheme changed."""
        dark = theme_is_dark(self.app, self.settings.theme())
        if dark != self.dark:
            self.dark = apply_theme(self.app, dark)


def palette_is_dark(palette: QPalette) -> bool:
    """Whether a palette is a dark theme's (the OS's, or `dark_palette`)."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def plot_colours(dark: bool) -> dict[str, str]:
    """Waveform view colours for the current theme."""
    if dark:
        return {"background": "#1b1b1e", "wave": "#6fa8dc", "f0": "#f6b26b",
                "playhead": "#ffffff", "axis": "#bbbbbb"}
    return {"background": "#ffffff", "wave": "#3d6fa8", "f0": "#c0392b",
            "playhead": "#000000", "axis": "#444444"}


def live_colours(dark: bool) -> dict[str, str]:
    """The desk's live view colours (as `desk.live_view.LiveView` starts with them)."""
    if dark:
        return {"background": "#1e1f22", "wave": "#8ab4f8"}
    return {"background": "#ffffff", "wave": "#1a5fb4"}
