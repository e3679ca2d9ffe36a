"""Messages that do not stop the user: the service banner and short-lived toasts."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

TOAST_MS = 5000


class ServiceBanner(QFrame):
    """A red strip across the top while the service does not answer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serviceBanner")
        self.label = QLabel()
        self.label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label)
        self.hide()

    def show_message(self, text: str) -> None:
        self.label.setText(text)
        self.show()

    def clear(self) -> None:
        self.hide()


class Toast(QLabel):
    """A note in the corner of its parent that fades away by itself (no modal box)."""

    def __init__(self, parent: QWidget, anchor: QWidget | None = None) -> None:
        super().__init__(parent)
        self.anchor = anchor  # shown at its bottom right (over the list's empty space)
        self.setObjectName("toast")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def announce(self, text: str) -> None:
        self.setText(text)
        self.adjustSize()
        parent = self.parentWidget()
        if parent is not None:
            width = min(420, parent.width() - 40)
            self.setFixedWidth(max(200, width))
            self.adjustSize()
            if self.anchor is not None and self.anchor.isVisible():
                corner = self.anchor.mapTo(parent, self.anchor.rect().bottomRight())
                self.move(corner.x() - self.width() - 16, corner.y() - self.height() - 16)
            else:
                self.move(parent.width() - self.width() - 20, 64)
        self.show()
        self.raise_()
        self._timer.start(TOAST_MS)
