"""The studio's main window: lays out the panels it is given in docks, builds the menus, keeps the
layout between sessions and shows messages. It builds no part and imports no feature room: the
assembly (`assembly.py`) makes the panels and wires them.

Docks: projects and folders (left), the takes browser (centre), waveform and audition (bottom),
the recording desk (top), voices and orders (right, the full height beside the takes).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from voxbooth.studio.actions import ACTIONS, MENU_ORDER, create_actions
from voxbooth.studio.settings import StudioSettings
from voxbooth.studio.widgets.notices import Toast


@dataclass
class Panels:
    """What the window lays out; each a finished widget."""

    projects: QWidget  # project picker and folder tree
    takes: QWidget  # the takes list with its filters, banner and upload rows
    takes_view: QWidget  # where messages appear (the toast's anchor)
    playback: QWidget  # waveform and transport
    desk: QWidget  # the recording desk
    voices: QWidget  # voice library, its detail and the order panel


class MainWindow(QMainWindow):
    closing = Signal()  # the window is closing: the parts stop (the assembly connects them)

    def __init__(self, settings: StudioSettings) -> None:
        super().__init__()
        self.setObjectName("voxboothStudio")
        self.setWindowTitle("VoxBooth Studio")
        self.settings = settings
        self.actions_by_key = create_actions(self)
        self._layout_restored = False  # done at the first show, when every panel is docked
        self.toast: Toast | None = None
        self.waveform_dock: QDockWidget | None = None

    # -- laying out -----------------------------------------------------------------------------
    def lay_out(self, panels: Panels) -> None:
        self.toast = Toast(self, anchor=panels.takes_view)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea,
                           self._dock("projectsDock", "Projects and folders", panels.projects))
        self.setCentralWidget(panels.takes)
        self.waveform_dock = self._dock("waveformDock", "Waveform and audition", panels.playback)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.waveform_dock)
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        desk_dock = self._dock("deskDock", "Recording desk", panels.desk)
        self.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, desk_dock)
        voices_dock = self._dock("voicesDock", "Voices and orders", panels.voices)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, voices_dock)
        # the voices run the full height beside the takes and the waveform: a 1000 px screen fits
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.resize(1200, 780)
        self._build_menus()
        _geometry, state = self.settings.window_state()
        if state is None:  # first start (a saved layout is restored at the first show)
            def first_sizes() -> None:
                self.resizeDocks([desk_dock], [280], Qt.Orientation.Vertical)
                self.resizeDocks([voices_dock], [380], Qt.Orientation.Horizontal)

            QTimer.singleShot(0, first_sizes)

    def _dock(self, name: str, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # restoreState finds docks by name
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        return dock

    def _build_menus(self) -> None:
        menus = {group: self.menuBar().addMenu(f"&{group}") for group in MENU_ORDER}
        for spec in ACTIONS:
            menus[spec.group].addAction(self.actions_by_key[spec.key])
            self.addAction(self.actions_by_key[spec.key])  # shortcuts work with menus closed

    # -- messages -------------------------------------------------------------------------------
    def tell(self, text: str) -> None:
        """A message the user should notice without being stopped."""
        self.statusBar().showMessage(text, 10000)
        if self.toast is not None:
            self.toast.announce(text)

    # -- layout persistence -----------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        if not self._layout_restored:
            self._layout_restored = True
            self._restore_layout()
        super().showEvent(event)

    def _restore_layout(self) -> None:
        """The last session's layout, else one that fits the screen with room for the
        waveform."""
        geometry, state = self.settings.window_state()
        if geometry is not None and state is not None:
            self.restoreGeometry(geometry)
            self.restoreState(state)
            return
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            self.resize(int(screen.width() * 0.92), int(screen.height() * 0.92))
        dock = self.waveform_dock
        if dock is not None:  # once the window has its size: the docks are sized against it
            QTimer.singleShot(0, lambda: self.resizeDocks(
                [dock], [max(260, int(self.height() * 0.3))], Qt.Orientation.Vertical))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.toast is not None and self.toast.isVisible():
            self.toast.announce(self.toast.text())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.set_window_state(self.saveGeometry(), self.saveState())
        self.settings.sync()
        self.closing.emit()
        super().closeEvent(event)
