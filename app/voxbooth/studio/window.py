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
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QWidget

from voxbooth.studio.actions import ACTIONS, MENU_ORDER, create_actions
from voxbooth.studio.settings import StudioSettings
from voxbooth.studio.widgets.notices import Toast

ROOMY_SCREEN = (1500, 940)  # a smaller screen is filled (maximised) at the first start


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
        self._geometry_restored = False  # the window's size: at the first show
        self._docks_restored = False  # the docks' sizes: once shown with every panel docked
        self._laid_out = False
        self.toast: Toast | None = None
        self.waveform_dock: QDockWidget | None = None
        self.desk_dock: QDockWidget | None = None
        self.voices_dock: QDockWidget | None = None
        self.resize(1200, 780)
        self._build_menus()

    def show_starting(self, text: str) -> None:
        """What the window shows before its panels are built (the studio paints at once and
        builds the rest after): the menus, greyed until they work, over a line of text."""
        label = QLabel(text)
        label.setObjectName("studioStarting")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(label)
        self._set_menus_enabled(False)
        self.statusBar().showMessage(text)

    def _set_menus_enabled(self, on: bool) -> None:
        for menu_action in self.menuBar().actions():
            menu_action.setEnabled(on)

    # -- laying out -----------------------------------------------------------------------------
    def lay_out(self, panels: Panels) -> None:
        self.toast = Toast(self, anchor=panels.takes_view)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea,
                           self._dock("projectsDock", "Projects and folders", panels.projects))
        self.setCentralWidget(panels.takes)  # in place of the starting text, if shown
        self._set_menus_enabled(True)
        self.waveform_dock = self._dock("waveformDock", "Waveform and audition", panels.playback)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.waveform_dock)
        self.desk_dock = self._dock("deskDock", "Recording desk", panels.desk)
        self.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, self.desk_dock)
        self.voices_dock = self._dock("voicesDock", "Voices and orders", panels.voices)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.voices_dock)
        # the voices run the window's full height on the right; the desk spans the rest above
        # the folders and takes, the waveform the rest below them: the tall column and the
        # stacked rows then share the window's height instead of adding up (a 1024x700 fits)
        for corner, area in ((Qt.Corner.TopLeftCorner, Qt.DockWidgetArea.TopDockWidgetArea),
                             (Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.BottomDockWidgetArea),
                             (Qt.Corner.TopRightCorner, Qt.DockWidgetArea.RightDockWidgetArea),
                             (Qt.Corner.BottomRightCorner,
                              Qt.DockWidgetArea.RightDockWidgetArea)):
            self.setCorner(corner, area)
        self._laid_out = True
        if self.isVisible():  # laid out after the first paint: the docks take their sizes now
            self._restore_docks()

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
        if not self._geometry_restored:
            self._geometry_restored = True
            self._restore_geometry()
        if self._laid_out:
            self._restore_docks()
        super().showEvent(event)

    def _restore_geometry(self) -> None:
        """The last session's size and place, else most of the screen."""
        geometry, state = self.settings.window_state()
        if geometry is not None and state is not None:
            self.restoreGeometry(geometry)
            return
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is None:
            return
        if screen.width() < ROOMY_SCREEN[0] or screen.height() < ROOMY_SCREEN[1]:
            # a laptop's screen: all of it (the size is for a desktop without a window manager)
            self.resize(screen.size())
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        else:
            self.resize(int(screen.width() * 0.92), int(screen.height() * 0.92))

    def _restore_docks(self) -> None:
        """The last session's docks, else sizes that share the window out (once it has its
        size: the docks are sized against it)."""
        if self._docks_restored:
            return
        self._docks_restored = True
        _geometry, state = self.settings.window_state()
        if state is not None and self.restoreState(state):
            return
        QTimer.singleShot(0, self._first_dock_sizes)

    def _first_dock_sizes(self) -> None:
        docks = (self.desk_dock, self.voices_dock, self.waveform_dock)
        if any(d is None for d in docks):
            return
        desk, voices, waveform = docks
        assert desk is not None and voices is not None and waveform is not None
        height = self.height()
        self.resizeDocks([desk, waveform], [max(220, int(height * 0.3)),
                                            max(260, int(height * 0.3))],
                         Qt.Orientation.Vertical)
        self.resizeDocks([voices], [max(340, int(self.width() * 0.27))],
                         Qt.Orientation.Horizontal)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.toast is not None and self.toast.isVisible():
            self.toast.announce(self.toast.text())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.set_window_state(self.saveGeometry(), self.saveState())
        self.settings.sync()
        self.closing.emit()
        super().closeEvent(event)
