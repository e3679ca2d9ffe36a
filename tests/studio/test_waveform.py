"""The take's waveform handles like a DAW's: a drag selects (and loops), a click puts the playhead,
the wheel scrolls, Ctrl+wheel zooms at the pointer, and the view never leaves the take."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.support.speech import repeated_speech_wav
from voxbooth.studio.analysis import TakeAudio, analyse_take
from voxbooth.studio.widgets.time_range import MIN_SPAN_S, clamp_view, scrolled_view, zoomed_view
from voxbooth.studio.widgets.waveform import WaveformView


@pytest.fixture(scope="module")
def speech_take(speech_path: Path, tmp_path_factory: pytest.TempPathFactory) -> TakeAudio:
    """Real speech, a few sentences long (CMU ARCTIC, repeated)."""
    path = repeated_speech_wav(speech_path, 3, tmp_path_factory.mktemp("wave") / "speech.wav")
    return analyse_take(path)


@pytest.fixture
def wave(qtbot: QtBot, speech_take: TakeAudio) -> WaveformView:
    view = WaveformView()
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.show()
    qtbot.waitExposed(view)
    view.show_audio(speech_take)
    QApplication.processEvents()
    return view


def _x(wave: WaveformView, seconds: float) -> QPoint:
    """Where `seconds` is on screen, in the plot's viewport, half-way up."""
    scene = wave.view.mapViewToScene(QPointF(seconds, 0.0))
    return wave.plot.mapFromScene(scene)


def _time_at(wave: WaveformView, point: QPoint) -> float:
    return float(wave.view.mapSceneToView(wave.plot.mapToScene(point)).x())


def _seconds_per_pixel(wave: WaveformView) -> float:
    return float(wave.view.viewPixelSize()[0])


def _drag(qtbot: QtBot, wave: WaveformView, start: QPoint, end: QPoint,
          button: Qt.MouseButton = Qt.MouseButton.LeftButton) -> None:
    port = wave.plot.viewport()
    qtbot.mousePress(port, button, pos=start)
    for step in range(1, 9):  # pyqtgraph drops moves closer together than 10 ms
        qtbot.wait(15)
        at = start + (end - start) * (step / 8)
        qtbot.mouseMove(port, at)
    qtbot.wait(15)
    qtbot.mouseRelease(port, button, pos=end)


def _wheel(wave: WaveformView, at: QPoint, notches: float,
           modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    port = wave.plot.viewport()
    event = QWheelEvent(QPointF(at), QPointF(port.mapToGlobal(at)), QPoint(0, 0),
                        QPoint(0, int(120 * notches)), Qt.MouseButton.NoButton, modifiers,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(port, event)


def test_a_drag_selects_a_range_and_announces_it_once_as_the_loop(qtbot: QtBot,
                                                                  wave: WaveformView) -> None:
    duration = wave.duration_s
    loops: list[tuple[float, float]] = []
    wave.loop_changed.connect(lambda a, b: loops.append((a, b)))
    before = wave.visible_s()
    start, end = _x(wave, duration * 0.2), _x(wave, duration * 0.6)
    with qtbot.waitSignal(wave.selection_changed) as seen:
        _drag(qtbot, wave, start, end)
    tolerance = 3 * _seconds_per_pixel(wave)
    assert seen.args == pytest.approx([_time_at(wave, start), _time_at(wave, end)], abs=tolerance)
    assert wave.region.isVisible() and wave.loop_region_s() == pytest.approx(seen.args)
    assert loops == [pytest.approx(tuple(seen.args))]  # once, when let go: not on every move
    assert wave.visible_s() == pytest.approx(before)  # the drag selected; it did not pan

    # dragging right to left selects the same way
    with qtbot.waitSignal(wave.selection_changed) as again:
        _drag(qtbot, wave, _x(wave, duration * 0.9), _x(wave, duration * 0.7))
    assert again.args == pytest.approx([duration * 0.7, duration * 0.9], abs=tolerance)


def test_a_drag_inside_the_selection_makes_a_new_one(qtbot: QtBot, wave: WaveformView) -> None:
    d = wave.duration_s
    wave.set_selection(d * 0.1, d * 0.8)
    with qtbot.waitSignal(wave.selection_changed) as seen:
        _drag(qtbot, wave, _x(wave, d * 0.3), _x(wave, d * 0.5))
    assert seen.args == pytest.approx([d * 0.3, d * 0.5], abs=3 * _seconds_per_pixel(wave))


def test_a_click_puts_the_playhead_and_keeps_the_selection(qtbot: QtBot,
                                                           wave: WaveformView) -> None:
    d = wave.duration_s
    wave.set_selection(d * 0.1, d * 0.3)
    at = _x(wave, d * 0.55)
    moved: list[float] = []
    wave.playhead_moved.connect(moved.append)
    with qtbot.waitSignal(wave.seek_requested) as seen:
        qtbot.mouseClick(wave.plot.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert seen.args[0] == pytest.approx(_time_at(wave, at), abs=1e-6) and moved == seen.args
    assert wave.playhead_s() == pytest.approx(_time_at(wave, at), abs=1e-6)
    assert wave.selection_s() == pytest.approx((d * 0.1, d * 0.3))

    # Shift+click extends the selection to the click, from its nearer edge
    qtbot.mouseClick(wave.plot.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ShiftModifier, pos=_x(wave, d * 0.5))
    assert wave.selection_s() == pytest.approx((d * 0.1, d * 0.5), abs=3 * _seconds_per_pixel(wave))


def test_a_tiny_drag_is_a_click(qtbot: QtBot, wave: WaveformView) -> None:
    d = wave.duration_s
    start = _x(wave, d * 0.4)
    with qtbot.waitSignal(wave.seek_requested) as seen:
        _drag(qtbot, wave, start, start + QPoint(2, 0))  # 2 px: a hand that moved a little
    assert seen.args[0] == pytest.approx(d * 0.4, abs=3 * _seconds_per_pixel(wave))
    assert wave.selection_s() is None


def test_wheel_scrolls_and_ctrl_wheel_zooms_around_the_pointer(qtbot: QtBot,
                                                               wave: WaveformView) -> None:
    d = wave.duration_s
    assert wave.visible_s() == pytest.approx((0.0, d), abs=1e-6)  # the whole take, no more
    pointer = _x(wave, d * 0.3)
    under = _time_at(wave, pointer)
    _wheel(wave, pointer, 3, Qt.KeyboardModifier.ControlModifier)  # towards the screen: closer
    left, right = wave.visible_s()
    assert right - left < d * 0.6
    assert _time_at(wave, pointer) == pytest.approx(under, abs=2 * _seconds_per_pixel(wave))

    _wheel(wave, pointer, -2)  # the plain wheel towards the artist: later in the take
    later = wave.visible_s()
    assert later[0] > left and later[1] - later[0] == pytest.approx(right - left)
    _wheel(wave, pointer, 2)
    assert wave.visible_s() == pytest.approx((left, right))


def test_the_view_stays_within_the_take(qtbot: QtBot, wave: WaveformView) -> None:
    d = wave.duration_s
    assert not wave.plot.getPlotItem().autoBtn.isVisible()  # no pyqtgraph "A" button
    middle = _x(wave, d / 2)
    _wheel(wave, middle, -40, Qt.KeyboardModifier.ControlModifier)  # zoom far out
    assert wave.visible_s() == pytest.approx((0.0, d), abs=1e-6)
    _wheel(wave, middle, 60, Qt.KeyboardModifier.ControlModifier)  # zoom far in
    left, right = wave.visible_s()
    assert right - left == pytest.approx(MIN_SPAN_S, rel=0.05)
    wave.zoom_fit()
    wave.set_playhead(d / 2)
    wave.zoom(0.25)  # a quarter of the take, around its middle
    assert wave.visible_s() == pytest.approx((d * 0.375, d * 0.625), abs=1e-6)
    for _ in range(15):
        _wheel(wave, middle, 50)  # scroll far before the start
    assert wave.visible_s()[0] == pytest.approx(0.0, abs=1e-9)
    span = wave.visible_s()[1] - wave.visible_s()[0]
    _drag(qtbot, wave, _x(wave, wave.visible_s()[0]), _x(wave, wave.visible_s()[1]),
          Qt.MouseButton.MiddleButton)  # a middle drag pans: here, earlier, into the wall
    assert wave.visible_s() == pytest.approx((0.0, span), abs=1e-6)
    for _ in range(15):
        _wheel(wave, middle, -50)  # scroll far past the end
    assert wave.visible_s()[1] == pytest.approx(d, abs=1e-6)


def test_the_view_sums_hold_for_any_input() -> None:
    rng = random.Random(13)
    for _ in range(2000):
        duration = rng.choice([0.0, 0.004, rng.uniform(0.01, 3600)])
        left = rng.uniform(-100, 4000)
        right = left + rng.uniform(-5, 4000)
        total = duration if duration > 0 else 1.0
        for a, b in (clamp_view(left, right, duration),
                     zoomed_view(left, right, rng.uniform(-10, 4000), rng.uniform(0.01, 50),
                                 duration),
                     scrolled_view(left, right, rng.uniform(-50, 50), duration)):
            assert 0.0 <= a < b <= total + 1e-9
            assert b - a >= min(MIN_SPAN_S, total) - 1e-9


def test_edits_of_the_selection_are_offered_only_with_one(qtbot: QtBot,
                                                          wave: WaveformView) -> None:
    menu = wave.context_menu()
    assert not any(a.isEnabled() for a in wave.edit_actions.values())
    menu.deleteLater()
    wave.set_selection(1.0, 2.5)
    wave.context_menu().deleteLater()
    asked: list[tuple[str, float, float]] = []
    wave.edit_requested.connect(lambda *args: asked.append(args))
    for key in ("trim", "fade_in", "fade_out", "normalise"):
        assert wave.edit_actions[key].isEnabled()
        wave.edit_actions[key].trigger()
    assert [a[0] for a in asked] == ["trim", "fade_in", "fade_out", "normalise"]
    assert all(a[1:] == pytest.approx((1.0, 2.5)) for a in asked)


def test_a_right_click_opens_the_menu(qtbot: QtBot, wave: WaveformView) -> None:
    with qtbot.waitSignal(wave.view.context_requested):
        qtbot.mouseClick(wave.plot.viewport(), Qt.MouseButton.RightButton,
                         pos=_x(wave, wave.duration_s / 2))
    menus = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.inherits("QMenu")]
    assert menus and "Trim to selection" in [a.text() for a in menus[0].actions()]
    menus[0].close()


def test_punch_in_draws_its_region_and_fills_the_pre_roll_as_it_plays(wave: WaveformView) -> None:
    wave.show_punch(3.0, 4.0, preroll_s=2.0)
    assert wave.punch_band.isVisible() and wave.punch_band.getRegion() == (3.0, 4.0)
    assert wave.preroll_band.getRegion() == (1.0, 3.0) and not wave.preroll_heard.isVisible()
    wave.set_playhead(2.0)
    assert wave.preroll_heard.isVisible() and wave.preroll_heard.getRegion() == (1.0, 2.0)
    wave.set_playhead(3.5)
    assert wave.preroll_heard.getRegion() == (1.0, 3.0)
    wave.clear_punch()
    assert not wave.punch_band.isVisible() and not wave.preroll_band.isVisible()


def test_playback_pages_the_view_along(wave: WaveformView) -> None:
    wave.zoom_fit()
    wave.zoom(0.25)  # around the playhead, at 0
    left, right = wave.visible_s()
    wave.set_playhead(right + 0.5)
    assert wave.visible_s()[0] == pytest.approx(right + 0.5)
    assert np.isclose(wave.visible_s()[1] - wave.visible_s()[0], right - left)
