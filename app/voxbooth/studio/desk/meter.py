"""The level meter: a dBFS scale, peak and RMS bars, a held peak tick, a peak readout and a clip
lamp; a click resets the holds. Laid out for its size: every label that is drawn fits, the scale
thins out its numbers as the meter narrows, and the lamp always shows."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from voxbooth.dsp.levels import SILENCE_DB, LevelReading

FLOOR_DB = -60.0
SCALE_DB = (-60.0, -48.0, -36.0, -24.0, -18.0, -12.0, -6.0, -3.0, 0.0)
SCALE_PRIORITY = (0.0, -60.0, -12.0, -24.0, -6.0, -36.0, -18.0, -48.0, -3.0)  # kept first
ZONES_DB = ((-18.0, "#3f8f4f"), (-6.0, "#c9a227"), (0.0, "#d03a2f"))  # bar colour up to each
MIN_WIDTH, MIN_HEIGHT = 120, 20  # the smallest the desk may make it (a 1024 px window fits)
LABEL_GAP = 4.0  # px between two scale numbers


def fraction_of(db: float) -> float:
    return max(0.0, min(1.0, (db - FLOOR_DB) / -FLOOR_DB))


@dataclass(frozen=True)
class MeterLayout:
    bar: QRectF
    scale: QRectF | None  # the numbers under the bar, when there is height for them
    lamp: QRectF
    readout: QRectF | None  # the held peak in figures, when there is width for it
    labels: tuple[tuple[float, QRectF], ...]  # (dB, where its number is drawn)


def meter_layout(width: float, height: float, metrics: QFontMetricsF,
                 readout_text: str = "-60.0 dBFS") -> MeterLayout:
    """Where each part goes at this size (pure geometry: the test and `paintEvent` share it)."""
    line = metrics.height()
    lamp_w = metrics.horizontalAdvance("CLIP") + 8
    readout_w = metrics.horizontalAdvance(readout_text) + 8
    # the readout only when the bar keeps at least two thirds of the width
    readout = readout_w if width - lamp_w - readout_w >= 2 * (width - lamp_w) / 3 else 0.0
    bar_w = max(1.0, width - lamp_w - readout - 4)
    scale_h = line if height >= 2 * line else 0.0
    bar = QRectF(0, 0, bar_w, height - scale_h)
    lamp = QRectF(width - lamp_w, 0, lamp_w, height)
    readout_rect = QRectF(bar_w + 2, 0, readout, height) if readout else None
    scale = QRectF(0, height - scale_h, bar_w, scale_h) if scale_h else None
    labels: list[tuple[float, QRectF]] = []
    for db in SCALE_PRIORITY:
        text = f"{db:.0f}"
        w = metrics.horizontalAdvance(text)
        x = bar_w * fraction_of(db) - w / 2
        rect = QRectF(min(max(0.0, x), bar_w - w), scale.top() if scale else 0.0, w,
                      scale_h if scale else bar.height())
        if all(rect.right() + LABEL_GAP <= r.left() or r.right() + LABEL_GAP <= rect.left()
               for _db, r in labels):
            labels.append((db, rect))
    return MeterLayout(bar, scale, lamp, readout_rect, tuple(sorted(labels)))


class LevelMeterWidget(QWidget):
    reset_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deskLevelMeter")
        self.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setToolTip("Input level in dBFS; click to reset the peak and clip hold")
        self.reading = LevelReading(SILENCE_DB, SILENCE_DB, SILENCE_DB, False, 0, 0.0, SILENCE_DB)

    def sizeHint(self) -> QSize:
        return QSize(320, int(QFontMetricsF(self.font()).height() * 2 + 2))

    def minimumSizeHint(self) -> QSize:
        return QSize(MIN_WIDTH, MIN_HEIGHT)

    def set_reading(self, reading: LevelReading) -> None:
        self.reading = reading
        self.update()

    def text(self) -> str:
        r = self.reading
        clip = "  CLIP" if r.clipped else ""
        if r.peak_hold_db <= FLOOR_DB - 30:
            return f"silent{clip}"
        return f"peak {r.peak_hold_db:.1f} dBFS{clip}"

    def readout(self) -> str:
        """The held peak as the readout beside the bar shows it."""
        held = self.reading.peak_hold_db
        return "-inf dBFS" if held <= FLOOR_DB - 30 else f"{held:.1f} dBFS"

    def layout_now(self) -> MeterLayout:
        return meter_layout(self.width(), self.height(), QFontMetricsF(self.font()))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.reset_requested.emit()
        event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        lay, r = self.layout_now(), self.reading
        bar = lay.bar
        p.fillRect(bar, QColor("#1f1f22"))
        self._paint_bar(p, bar, fraction_of(r.peak_db))
        rms = bar.adjusted(0, bar.height() * 0.3, 0, -bar.height() * 0.3)
        p.fillRect(QRectF(rms.left(), rms.top(), rms.width() * fraction_of(r.rms_db),
                          rms.height()), QColor(255, 255, 255, 90))
        for db, _rect in lay.labels:  # tick marks through the bar at each scale number
            x = bar.width() * fraction_of(db)
            p.fillRect(QRectF(min(x, bar.width() - 1), bar.bottom() - bar.height() * 0.25, 1,
                              bar.height() * 0.25), QColor(255, 255, 255, 120))
        hold_x = bar.width() * fraction_of(r.peak_hold_db)
        if r.peak_hold_db > FLOOR_DB:
            p.fillRect(QRectF(max(0.0, min(hold_x - 1.5, bar.width() - 3)), 0, 3, bar.height()),
                       QColor("#ffffff"))
        # the numbers under the bar in the theme's text colour, or inside a low bar in white
        p.setPen(self.palette().color(QPalette.ColorRole.WindowText) if lay.scale is not None
                 else QColor(255, 255, 255, 200))
        for db, rect in lay.labels:
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{db:.0f}")
        p.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        if lay.readout is not None:
            p.drawText(lay.readout, Qt.AlignmentFlag.AlignCenter, self.readout())
        p.fillRect(lay.lamp, QColor("#e01b24") if r.clipped else QColor("#4a1414"))
        p.setPen(QColor("#ffffff") if r.clipped else QColor("#b08080"))
        p.drawText(lay.lamp, Qt.AlignmentFlag.AlignCenter, "CLIP")
        p.end()

    @staticmethod
    def _paint_bar(p: QPainter, bar: QRectF, level: float) -> None:
        """The peak bar in the zone colours (green, amber from -18, red from -6 dBFS)."""
        start = 0.0
        for top_db, colour in ZONES_DB:
            end = min(level, fraction_of(top_db))
            if end > start:
                p.fillRect(QRectF(bar.left() + bar.width() * start, bar.top(),
                                  bar.width() * (end - start), bar.height()), QColor(colour))
            start = max(start, fraction_of(top_db))
