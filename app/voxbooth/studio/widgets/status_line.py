"""Status text that never moves the layout around it.

A line of status ("Recording…", "Listening to 2: Elena", "3 conversions cost 12 credits") changes
while the artist works. A plain QLabel asks for the width of what it says and, word-wrapped, for
as many lines as that takes, so each change pushes its neighbours. A `StatusLine` has a height
fixed to its number of lines and asks for no width: it takes the width its place gives it and
shortens what does not fit with "…", the whole text in its tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class StatusLine(QLabel):
    """One line (or `lines` lines) of status text at a fixed height; `text()` is the whole.
    With `grow`, at least `lines` lines and as many more as the height it is given holds."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, lines: int = 1,
                 min_chars: int = 0, grow: bool = False) -> None:
        super().__init__(parent)
        self._whole = ""
        self._lines = max(1, lines)
        self._min_chars = min_chars  # a width the layout must leave it, in average characters
        self._grow = grow
        self.setWordWrap(False)  # the lines are broken here, to the width given
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding if grow
                           else QSizePolicy.Policy.Fixed)
        self.setText(text)

    # the whole text for callers and tests; what is painted may be shortened
    def text(self) -> str:
        return self._whole

    def setText(self, text: str) -> None:
        self._whole = text
        self._fit()

    def _line_height(self) -> int:
        return QFontMetrics(self.font()).lineSpacing()

    def sizeHint(self) -> QSize:
        return self.minimumSizeHint()

    def minimumSizeHint(self) -> QSize:
        margins = self.contentsMargins()
        width = QFontMetrics(self.font()).averageCharWidth() * self._min_chars
        height = self._lines * self._line_height() + 2
        return QSize(width + margins.left() + margins.right(),
                     height + margins.top() + margins.bottom())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # a style sheet's font, once polished
            self.updateGeometry()
            self._fit()

    def fits(self) -> bool:
        """Whether the whole text is shown (nothing shortened)."""
        return QLabel.text(self) == self._whole

    def _fit(self) -> None:
        metrics = QFontMetrics(self.font())
        margins = self.contentsMargins()
        width = max(0, self.width() - margins.left() - margins.right() - 2 * self.margin())
        lines = self._lines
        if self._grow:
            room = self.height() - margins.top() - margins.bottom() - 2
            lines = max(lines, room // max(1, self._line_height()))
        if lines == 1:
            shown = metrics.elidedText(self._whole, Qt.TextElideMode.ElideRight, width)
        else:
            shown = _wrapped_elided(metrics, self._whole, width, lines)
        QLabel.setText(self, shown)
        self.setToolTip(self._whole if shown != self._whole else "")


def _wrapped_elided(metrics: QFontMetrics, text: str, width: int, lines: int) -> str:
    """`text` word-wrapped into at most `lines` lines of `width` px, the last shortened."""
    if width <= 0:
        return ""
    words = text.split()
    out: list[str] = []
    current = ""
    for i, word in enumerate(words):
        trial = f"{current} {word}".strip()
        if metrics.horizontalAdvance(trial) <= width or not current:
            current = trial
            continue
        out.append(current)
        current = word
        if len(out) == lines - 1:
            rest = " ".join([current, *words[i + 1:]])
            out.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
            return "\n".join(out)
    if current:
        out.append(metrics.elidedText(current, Qt.TextElideMode.ElideRight, width))
    return "\n".join(out)
