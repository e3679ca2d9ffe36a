"""Progress bars whose text stays inside them: a long stage or reason is shortened with "…" to
the bar's width, never drawn past its edge (whoever sets a long text puts it in a tooltip)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QProgressBar

TEXT_PADDING_PX = 6  # the style's margin either side of a bar's text


def fitted_text(metrics: QFontMetrics, text: str, width_px: int) -> str:
    """`text` shortened with "…" to fit `width_px` (less the bar's padding)."""
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight,
                              max(0, width_px - 2 * TEXT_PADDING_PX))


class FittingProgressBar(QProgressBar):
    """A QProgressBar whose text is shortened to its width (the style paints `text()`)."""

    def text(self) -> str:
        return fitted_text(self.fontMetrics(), self.whole_text(), self.width())

    def whole_text(self) -> str:
        return super().text()
