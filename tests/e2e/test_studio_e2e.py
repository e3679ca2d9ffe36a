"""The real studio on Xvfb with its embedded service: create, drop, see, play, audition A/B.

Screenshots of every step are saved under the test's output folder,
`test-output/e2e/<test name>/` (git-ignored, kept after the run so a person can look).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from tests.support.xvfb import xvfb_display, xvfb_missing_reason

pytestmark = [pytest.mark.e2e, pytest.mark.slow,
              pytest.mark.skipif(xvfb_missing_reason() is not None,
                                 reason=xvfb_missing_reason() or "")]

ROOT = Path(__file__).resolve().parents[2]


def _monitor_rms(path: Path) -> float:
    """RMS of what reached the virtual speaker (parec writes float WAV)."""
    import soundfile as sf

    try:
        data, _rate = sf.read(str(path), dtype="float32")
    except (RuntimeError, wave.Error):
        return 0.0
    return float(np.sqrt(np.mean(np.square(data)))) if len(data) else 0.0


def _output_folder(name: str) -> Path:
    folder = ROOT / "test-output" / "e2e" / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def test_studio_end_to_end(tmp_path: Path, speech_path: Path) -> None:
    shots = _output_folder("test_studio_end_to_end")
    env_extra: dict[str, str] = {}
    with xvfb_display(1920, 1080) as display:
        env = display.env()
        env["VOXBOOTH_STUDIO_SETTINGS_DIR"] = str(tmp_path / "settings")
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
        try:
            from tests.support.pulse import pulseaudio_missing_reason, virtual_mic
        except ImportError:
            pulse_reason: str | None = "tests/support/pulse.py is not there"
        else:
            pulse_reason = pulseaudio_missing_reason()
        if pulse_reason is None:
            with virtual_mic() as mic:
                env.update({k: v for k, v in mic.env.items() if k.startswith("PULSE")})
                env_extra = env
                recorder = mic.record_monitor(tmp_path / "speaker.wav")
                done = _drive(env_extra, shots, speech_path)
                recorder.terminate()
                recorder.wait(timeout=10)
        else:
            done = _drive(env, shots, speech_path)
    result = json.loads((shots / "result.json").read_text())
    print(json.dumps(result, indent=2))
    assert done.returncode == 0, result.get("error") or done.stdout[-3000:]
    assert result["folder_name"] == "Chapter 1"
    assert result["drop_accepted"]
    assert sorted(row[0] for row in result["takes"]) == ["arctic_a0007", "second reading"]
    assert all(row[3] == "done" for row in result["takes"])
    assert result["waveform_duration_s"] == pytest.approx(4.0, abs=0.05)
    assert result["layout_problems"] == []  # on a 1920x1080 screen
    assert not result["banner_visible"]
    switch = result["switch"]
    assert switch["after_s"] >= switch["before_s"] > 0.3  # same position, no restart
    # orders are served: B is the selected conversion of the dropped take, beside its original
    assert result["audition_mode"] == "conversion", result["audition_mode"]
    assert switch["track"] == switch["selected_track"] == 1
    assert switch["labels"] == ["Original", switch["selected_voice"]]
    right, wrong = result["abx"]
    for trial in (right, wrong):
        assert trial["a"] != trial["b"]
        assert trial["x_heard_track"] == trial["x_secret_track"]  # X sounds the hidden take
        assert trial["lit_track"] == -1 and trial["now_playing"] == "Listening to X"
    assert right["score"].startswith("ABX: 1/1 right"), right["score"]
    assert wrong["score"].startswith("ABX: 1/2 right"), wrong["score"]
    for path in result["screenshots"]:
        assert Path(path).stat().st_size > 10_000
    if pulse_reason is None:
        assert result["play_error"] == ""
        assert result["position_after_play_s"] > 0.5
        assert _monitor_rms(tmp_path / "speaker.wav") > 0.005  # the speaker heard the take
    else:
        pytest.skip(f"played nothing audible: {pulse_reason}")
    # the embedded service was stopped by its PID when the studio closed
    pid = result["embedded_pid"]
    assert pid and not Path(f"/proc/{pid}").exists()


def _drive(env: dict[str, str], shots: Path, speech_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.e2e.studio_driver", str(shots), str(speech_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=400,
    )


def test_studio_on_a_laptop_screen(tmp_path: Path, speech_path: Path) -> None:
    """Started as `voxbooth` starts it, on a 1280x720 screen: the window paints first (saying
    it opens), fills the screen, and with a take and two voices picked nothing is cut off or
    laid over anything else. Screenshots in test-output/e2e/test_studio_on_a_laptop_screen/."""
    shots = _output_folder("test_studio_on_a_laptop_screen")
    with xvfb_display(1280, 720) as display:
        env = display.env()
        env["VOXBOOTH_STUDIO_SETTINGS_DIR"] = str(tmp_path / "settings")
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
        done = subprocess.run(
            [sys.executable, "-m", "tests.e2e.layout_driver", str(shots), str(speech_path)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    result = json.loads((shots / "result.json").read_text())
    print(json.dumps(result, indent=2))
    assert done.returncode == 0, result.get("error") or done.stdout[-3000:]
    assert result["starting_text"] == "Opening the studio…"
    assert "No project" not in result["connecting_text"]
    assert result["empty_text"].startswith("Drop audio files")
    assert result["screen"] == [1280, 720] and result["window"] == [1280, 720]
    assert result["minimum"][0] <= 1024 and result["minimum"][1] <= 700
    assert result["layout_problems"] == []
    first, *later = result["screenshots"]
    assert Path(first).stat().st_size > 2_000  # the menus and one line over a plain window
    for path in later:
        assert Path(path).stat().st_size > 10_000
