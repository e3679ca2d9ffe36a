"""The desk's level meter stays readable at every size it can be given: its numbers never
overlap or leave the bar, the clip lamp always shows, and it fits a 1024 px window's desk."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFontMetricsF
from pytestqt.qtbot import QtBot

from voxbooth.dsp.levels import LevelReading
from voxbooth.studio.desk.meter import (
    MIN_HEIGHT,
    MIN_WIDTH,
    SCALE_DB,
    LevelMeterWidget,
    meter_layout,
)


def _reading(peak_db: float, clipped: bool = False) -> LevelReading:
    return LevelReading(peak_db, peak_db - 8, peak_db, clipped, int(clipped), 0.0, -70.0)


def test_the_meter_lays_out_readably_at_every_size(qtbot: QtBot) -> None:
    meter = LevelMeterWidget()
    qtbot.addWidget(meter)
    metrics = QFontMetricsF(meter.font())
    for width in range(MIN_WIDTH, 1200, 7):
        for height in (MIN_HEIGHT, 26, 34, 60):
            lay = meter_layout(width, height, metrics)
            assert lay.bar.width() >= width * 0.45  # the bar stays the meter's main part
            assert lay.lamp.right() <= width
            assert lay.lamp.width() >= metrics.horizontalAdvance("CLIP")
            assert lay.lamp.left() >= lay.bar.right()
            labels = [rect for _db, rect in lay.labels]
            assert {db for db, _r in lay.labels} >= {0.0, -60.0}  # both ends always numbered
            assert {db for db, _r in lay.labels} <= set(SCALE_DB)
            for i, rect in enumerate(labels):
                assert rect.left() >= 0 and rect.right() <= lay.bar.right() + 0.5
                assert all(not rect.intersects(other) for other in labels[i + 1:])
            if lay.readout is not None:
                assert lay.readout.width() >= metrics.horizontalAdvance("-60.0 dBFS")
        # a wide meter numbers more of its scale than a narrow one
    narrow = meter_layout(MIN_WIDTH, 34, metrics)
    wide = meter_layout(900, 34, metrics)
    assert len(wide.labels) == len(SCALE_DB) > len(narrow.labels)
    assert wide.readout is not None and wide.scale is not None


def test_at_its_minimum_size_the_lamp_and_hold_still_show(qtbot: QtBot) -> None:
    meter = LevelMeterWidget()
    qtbot.addWidget(meter)
    assert meter.minimumSizeHint().width() <= 160 and meter.minimumSizeHint().height() <= 24
    meter.resize(meter.minimumSizeHint())
    meter.show()
    qtbot.waitExposed(meter)
    meter.set_reading(_reading(-0.1, clipped=True))
    image = meter.grab().toImage()
    lay = meter.layout_now()
    lamp = image.pixelColor(int(lay.lamp.left()) + 2, 2)
    assert lamp == QColor("#e01b24")  # lit
    hold_x = int(lay.bar.width() * (60 - 0.1) / 60)
    assert image.pixelColor(min(hold_x, int(lay.bar.width()) - 2), 1) == QColor("#ffffff")
    meter.set_reading(_reading(-30.0))
    image = meter.grab().toImage()
    assert image.pixelColor(int(lay.lamp.left()) + 2, 2) == QColor("#4a1414")  # dark, not lit
    assert "CLIP" not in meter.text()
