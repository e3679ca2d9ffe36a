"""`voxbooth record` headless: what it prints is what was recorded."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import soundfile as sf

from tests.audio.signals import RATE_HZ, tone
from tests.support.pulse import VirtualMic


def test_record_prints_duration_overflows_and_pitch(vmic: VirtualMic, tmp_path: Path) -> None:
    out = tmp_path / "take.flac"
    vmic.play(tone(196.0, 6.0), RATE_HZ)  # G3
    time.sleep(0.3)
    done = subprocess.run(
        [sys.executable, "-m", "voxbooth", "record", str(out), "--seconds", "2",
         "--device", "pulse", "--rate", "48000"],
        env=vmic.env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "from pulse [ALSA] at 48000 Hz" in done.stdout
    duration = re.search(r"duration ([\d.]+) s, overflows (\d+)", done.stdout)
    assert duration is not None
    assert 2.0 <= float(duration[1]) < 3.0 and duration[2] == "0"
    pitch = re.search(r"median f0 ([\d.]+) Hz \((\w#?\d) ([+-]\d+)\), voiced (\d+) %", done.stdout)
    assert pitch is not None, done.stdout
    assert abs(float(pitch[1]) - 196.0) < 0.5 and pitch[2] == "G3" and int(pitch[4]) > 90
    assert abs(sf.info(out).duration - float(duration[1])) < 0.01


def test_a_missing_device_falls_back_and_sigterm_ends_the_take_cleanly(vmic: VirtualMic,
                                                                      tmp_path: Path) -> None:
    out = tmp_path / "take.wav"
    proc = subprocess.Popen(
        [sys.executable, "-m", "voxbooth", "record", str(out), "--device", "No Such Mic"],
        env={**vmic.env, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True,
    )
    assert proc.stdout is not None
    assert "'No Such Mic' not found: using default" in proc.stdout.readline()
    assert proc.stdout.readline().startswith("recording")
    time.sleep(1.0)
    proc.terminate()  # what a session logout or the studio's shutdown sends
    rest = proc.stdout.read()
    assert proc.wait(timeout=30) == 0
    assert "duration" in rest
    assert sf.info(out).frames > 0
    assert not (tmp_path / "take.wav.recording").exists()  # closed, nothing to recover
