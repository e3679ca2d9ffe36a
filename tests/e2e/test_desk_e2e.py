"""The recording desk end to end: the real studio on Xvfb with its embedded service and the
virtual microphone. Real speech is played into the microphone while the studio records; the live
f0 follows Praat's within a semitone; the take is checked and uploaded; it is ordered into two
voices from the voice panel; both conversions finish and are auditioned A/B; then the studio is
killed with SIGKILL mid-take and, after a restart, the take is there.

Screenshots of every step: `test-output/e2e/test_desk_end_to_end/` (git-ignored, kept).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from tests.support.pulse import pulseaudio_missing_reason, virtual_mic
from tests.support.xvfb import xvfb_display, xvfb_missing_reason

pytestmark = [pytest.mark.e2e, pytest.mark.slow,
              pytest.mark.skipif(xvfb_missing_reason() is not None,
                                 reason=xvfb_missing_reason() or ""),
              pytest.mark.skipif(pulseaudio_missing_reason() is not None,
                                 reason=pulseaudio_missing_reason() or "")]

ROOT = Path(__file__).resolve().parents[2]
HOP_S = 0.01


def praat_f0_track(samples: np.ndarray, rate_hz: int) -> np.ndarray:
    """Praat's f0 every 10 ms (NaN where unvoiced): the independent reference."""
    import parselmouth

    sound = parselmouth.Sound(np.asarray(samples, dtype=np.float64), rate_hz)
    pitch = sound.to_pitch(time_step=HOP_S, pitch_floor=60.0, pitch_ceiling=700.0)
    f0 = pitch.selected_array["frequency"]
    return np.where(f0 > 0, f0, np.nan)


def compare_tracks(live_hz: np.ndarray, praat_hz: np.ndarray) -> dict[str, float]:
    """Aligns the live trace on Praat's (the playback starts a moment after the recording) where
    the two agree on the most frames, and measures the gap in semitones over frames both call
    voiced."""
    best: dict[str, float] = {"agreeing": -1.0}
    for lag in range(-50, 300):  # live frame k is Praat frame k - lag
        ours = live_hz[max(lag, 0):]
        ref = praat_hz[max(-lag, 0):]
        n = min(ours.size, ref.size)
        both = np.isfinite(ours[:n]) & np.isfinite(ref[:n])
        if both.sum() < 100:
            continue
        gap = np.abs(12 * np.log2(ours[:n][both] / ref[:n][both]))
        agreeing = float(np.sum(gap < 1.0))
        if agreeing > best["agreeing"]:
            best = {"lag_s": lag * HOP_S, "median_st": float(np.median(gap)),
                    "within_1st": agreeing / gap.size, "frames": float(gap.size),
                    "agreeing": agreeing}
    return best


def _publish(work: Path, name: str) -> Path:
    """Copies the run's screenshots and results under test-output/ (a run works in its own
    temp dir, so two runs at once never mix their files)."""
    folder = ROOT / "test-output" / "e2e" / name
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(work, folder, ignore=shutil.ignore_patterns("service-data"))
    return folder


def _driver(mode: str, out: Path, speech: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.desk_driver", str(out), str(speech), mode],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _stop_service(out: Path, mode: str) -> int | None:
    """The killed studio's embedded service is an orphan now: stop it by its PID."""
    text = (out / f"service-pid-{mode}").read_text().strip()
    if not text:
        return None
    pid = int(text)
    if Path(f"/proc/{pid}").exists():
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    return pid


def _run_session(out: Path, speech: Path, env: dict[str, str]) -> None:
    session = _driver("session", out, speech, env)
    deadline = time.monotonic() + 600
    while not (out / "kill-me").exists():
        if session.poll() is not None or time.monotonic() > deadline:
            session.kill()
            output = session.stdout.read() if session.stdout else ""
            result = (out / "result-session.json")
            raise AssertionError((result.read_text() if result.exists() else "")
                                 + output[-3000:])
        time.sleep(0.2)
    time.sleep(0.5)
    session.send_signal(signal.SIGKILL)  # mid-take: no chance to close anything
    session.wait(timeout=10)
    assert session.returncode == -signal.SIGKILL
    _stop_service(out, "session")


def test_desk_end_to_end(tmp_path: Path, speech_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    try:
        with xvfb_display(1600, 1000) as display, virtual_mic() as mic:
            env = display.env()
            env.update({k: v for k, v in mic.env.items() if k.startswith("PULSE")})
            env["VOXBOOTH_STUDIO_SETTINGS_DIR"] = str(tmp_path / "settings")
            env["VOXBOOTH_TAKES_DIR"] = str(tmp_path / "takes")
            env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
            _run_session(out, speech_path, env)
            restart = _driver("restart", out, speech_path, env)
            output, _ = restart.communicate(timeout=400)
    finally:
        print("screenshots:", _publish(out, "test_desk_end_to_end"))
    session: dict[str, Any] = json.loads((out / "result-session.json").read_text())
    after: dict[str, Any] = json.loads((out / "result-restart.json").read_text())
    print(json.dumps({"session": session, "restart": after}, indent=2))
    assert restart.returncode == 0, after.get("error") or output[-3000:]
    # recorded with R, stopped with Space, checked, uploaded into the folder
    assert session["rate_label"] == "48 kHz" and session["recording_after_r"]
    assert session["verdict"] in ("good", "warning"), session["verdict_text"]
    take = session["take"]
    assert take["folder_ok"] and take["label"].startswith("L01 take 1: Author of the")
    assert take["duration_s"] > 4.5  # all of the speech, lead-in included
    assert sf.info(take["file"]).samplerate == 48000
    # the live f0 shown follows the speaker within a semitone (Praat on the same audio)
    played, rate = sf.read(out / "played.wav")
    match = compare_tracks(np.load(out / "live-f0.npy"), praat_f0_track(played, rate))
    print("live f0 against Praat:", match)
    assert match["median_st"] < 0.5 and match["within_1st"] > 0.85, match
    # ordered into two voices from the voice panel, with the cost shown first
    assert session["cost_text"].startswith("2 conversion(s) · 2 credit(s)")
    assert [c["state"] for c in session["conversions"]] == ["done", "done"], session
    assert {c["voice"] for c in session["conversions"]} == set(session["ordered_voices"])
    for switch in session["switches"]:  # B is the conversion picked, at the same position
        assert switch["track"] == switch["selected_track"] > 0
        assert switch["labels"][switch["track"]] == switch["voice"]
        assert switch["after_s"] >= switch["before_s"] > 0.3
    assert {s["track"] for s in session["switches"]} == {1, 2}  # both heard, from one load
    # killed mid-take: after the restart the take is recovered and uploaded
    assert session["second_take_recorded_s"] > 1.5
    recovered = after["recovered"]
    assert recovered["label"].startswith("L02 take 1: Second line")
    assert recovered["duration_s"] > 2.0
    assert after["queue_left"] == 0
    for path in session["screenshots"] + after["screenshots"]:
        assert Path(path).stat().st_size > 10_000
    pid = after["embedded_pid"]
    assert pid and not Path(f"/proc/{pid}").exists()
