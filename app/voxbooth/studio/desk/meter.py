"""The level meter: RMS bar, peak bar, held peak tick, clip lamp; a click resets the holds."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from voxbooth.dsp.levels import SILENCE_DB, LevelReading

FLOOR_DB = -60.0


def fraction_of(db: float) -> float:
    return max(0.0, min(1.0, (db - FLOOR_DB) / -FLOOR_DB))


class LevelMeterWidget(QWidget):
    reset_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deskLevelMeter")
        self.setMinimumSize(220, 26)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip("Input level in dBFS; click to reset the peak and clip hold")
        self.reading = LevelReading(SILENCE_DB, SILENCE_DB, SILENCE_DB, False, 0, 0.0, SILENCE_DB)

    def set_reading(self, reading: LevelReading) -> None:
        self.reading = reading
        self.update()

    def text(self) -> str:
        r = self.reading
        clip = "  CLIP" if r.clipped else ""
        if r.peak_hold_db <= FLOOR_DB - 30:
            return f"silent{clip}"
        return f"peak {r.peak_hold_db:.1f} dBFS{clip}"

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.reset_requested.emit()
        event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        w, h = self.width(), self.height()
        lamp = 30
        bar = QRectF(0, 0, w - lamp - 4, h)
        p.fillRect(bar, QColor("#2b2b2b"))
        r = self.reading
        peak_w = bar.width() * fraction_of(r.peak_db)
        rms_w = bar.width() * fraction_of(r.rms_db)
        p.fillRect(QRectF(0, 0, peak_w, h), QColor("#3f8f4f"))
        p.fillRect(QRectF(0, h * 0.25, rms_w, h * 0.5), QColor("#7fdc8c"))
        for db, colour in ((-12.0, "#e5a50a"), (-3.0, "#e01b24")):
            x = bar.width() * fraction_of(db)
            p.fillRect(QRectF(x, 0, 1, h), QColor(colour))
        hold_x = bar.width() * fraction_of(r.peak_hold_db)
        p.fillRect(QRectF(max(0.0, hold_x - 2), 0, 3, h), QColor("#ffffff"))
        p.setPen(QColor("#ffffff"))
        p.drawText(bar.adjusted(6, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter, self.text())
        lamp_rect = QRectF(w - lamp, 0, lamp, h)
        p.fillRect(lamp_rect, QColor("#e01b24") if r.clipped else QColor("#4a1414"))
        p.drawText(lamp_rect, Qt.AlignmentFlag.AlignCenter, "CLIP")
        p.end()
