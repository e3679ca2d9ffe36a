"""What an empty list says instead of nothing: why it is empty and what to do, with a button for
the one thing to do when there is one ("New project…"). Laid over the list's viewport; drops
and clicks on the empty area still reach the list."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("emptyState")
        self.host = host
        self.label = QLabel()
        self.label.setObjectName("emptyStateText")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        palette = self.label.palette()
        palette.setColor(QPalette.ColorRole.WindowText,
                         palette.color(QPalette.ColorRole.PlaceholderText))
        self.label.setPalette(palette)
        self.button = QPushButton()
        self.button.setObjectName("emptyStateButton")
        self.button.hide()
        self._action: QAction | None = None
        self.button.clicked.connect(self._trigger)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, False)
        host.installEventFilter(self)
        self._follow_host()

    def say(self, text: str, action: QAction | None = None, button_text: str = "") -> None:
        """The text shown while the list is empty, and the action its button triggers."""
        self.label.setText(text)
        self._action = action
        self.button.setText(button_text or (action.text() if action is not None else ""))
        self.button.setVisible(action is not None)

    def text(self) -> str:
        return self.label.text()

    def _trigger(self) -> None:
        if self._action is not None:
            self._action.trigger()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.host and event.type() == QEvent.Type.Resize:
            self._follow_host()
        return False

    def _follow_host(self) -> None:
        self.setGeometry(self.host.rect())
