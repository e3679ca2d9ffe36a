"""A tool button whose text is shortened with "…" when its row is short of room, instead of
pushing the row (and the window) wider: the take buttons under the waveform, one per take."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QSizePolicy,
    QStyle,
    QStyleOptionToolButton,
    QStylePainter,
    QToolButton,
)

SHORTEST_CHARS = 4  # "2: E…" still says which take it is


class ElidingToolButton(QToolButton):
    def __init__(self) -> None:
        super().__init__()
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def minimumSizeHint(self) -> QSize:
        hint = self.sizeHint()
        least = self.fontMetrics().averageCharWidth() * SHORTEST_CHARS + 12
        return QSize(min(hint.width(), least), hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionToolButton()
        self.initStyleOption(option)
        room = self.width() - 12  # the style's margins either side of the text
        option.text = self.fontMetrics().elidedText(option.text, Qt.TextElideMode.ElideRight,
                                                    max(0, room))
        painter.drawComplexControl(QStyle.ComplexControl.CC_ToolButton, option)

    def shows_whole_text(self) -> bool:
        return self.width() >= self.sizeHint().width()
