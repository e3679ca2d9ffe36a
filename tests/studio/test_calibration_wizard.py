"""The calibration wizard on the virtual microphone and a real service: 12 s of real speech read
"aloud", the live trace and histogram, a speaking pitch within a semitone of Praat's, saved on
the service, then enabled (and auto chosen again)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
import soundfile as sf
from pytestqt.qtbot import QtBot

from tests.studio.helpers import running_window
from tests.support.pulse import VirtualMic
from tests.support.server import LiveServer
from tests.support.speech import praat_median_f0_hz
from voxbooth.studio.assembly import Studio
from voxbooth.studio.calibration.wizard import CalibrationWizard


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, live_server: LiveServer, mic: VirtualMic,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[Studio]:
    monkeypatch.setenv("VOXBOOTH_TAKES_DIR", str(tmp_path / "takes"))
    with running_window(qtbot, tmp_path, live_server) as w:
        qtbot.waitUntil(lambda: w.desk.capture is not None
                        and w.requests.backend is not None, timeout=10000)
        yield w
        mic.stop_players()


def test_wizard_measures_saves_and_enables(window: Studio, qtbot: QtBot, mic: VirtualMic,
                                           speech_path: Path, live_server: LiveServer) -> None:
    speech, rate = sf.read(speech_path, dtype="float32")
    reading = np.concatenate([speech] * 3)  # 12 s: over the 10 s minimum
    wizard = window.openers.open_calibration()
    assert isinstance(wizard, CalibrationWizard) and wizard.isVisible()
    assert "sunlight" in wizard.prompt.text()
    wizard.start_button.click()
    qtbot.waitUntil(lambda: window.desk.recording, timeout=10000)
    assert not wizard.stop_button.isEnabled()
    mic.play(reading, rate).wait(timeout=30)
    qtbot.waitUntil(wizard.stop_button.isEnabled, timeout=5000)  # 10 s read
    drawn = wizard.live.f0_curve.getData()[1]
    assert np.isfinite(drawn).sum() > 100  # the live trace followed the voice
    wizard.stop_button.click()
    qtbot.waitUntil(wizard.save_button.isEnabled, timeout=10000)
    histogram = wizard.histogram
    assert histogram is not None and histogram.counts.sum() > 300
    praat_hz = praat_median_f0_hz(reading, rate)
    semitones_off = 12 * abs(np.log2(histogram.median_hz / praat_hz))
    assert semitones_off < 1.0, (histogram.median_hz, praat_hz)
    assert "Your speaking pitch" in wizard.result_label.text()
    wizard._show_histogram(histogram)  # what a second reading ("Read again") draws
    lines = [item for item in wizard.hist_plot.getPlotItem().items
             if isinstance(item, pg.InfiniteLine)]
    assert len(lines) == 1 and lines[0].isVisible()  # one median line, not one per reading
    assert lines[0].value() == pytest.approx(69 + 12 * np.log2(histogram.median_hz / 440))
    wizard.name.setText("Desk reading")
    wizard.save_button.click()
    qtbot.waitUntil(wizard.apply_button.isEnabled, timeout=120000)
    calibration = wizard.calibration
    assert calibration.state == "calibrated"
    assert 12 * abs(np.log2(calibration.f0 / praat_hz)) < 1.0
    wizard.use_it.setChecked(True)
    wizard.apply_button.click()
    with live_server.client() as http:
        listed = http.get("/api/calibration").json()
    listed = listed["list"] if isinstance(listed, dict) else listed
    enabled = [c for c in listed if c["enabled"]]
    assert [c["name"] for c in enabled] == ["Desk reading"]
    # the desk's trace now shows the artist's line where the service measured it
    assert window.target_band.speaker_f0_hz == pytest.approx(calibration.f0)
    assert window.desk_panel.live_view.speaker_line.isVisible()
