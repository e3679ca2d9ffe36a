"""`voxbooth convert`: the engine offline, as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import soundfile


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voxbooth", *args], capture_output=True, text=True, timeout=120
    )


def test_convert_prints_pitches_and_duration(speech_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "pip.wav"
    done = run_cli(
        "convert", str(speech_path), "--voice", "Pip", "--semitones", "-1", "-o", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert "target f0:  269.0 Hz" in done.stdout  # 285 Hz one semitone down
    assert "source f0:" in done.stdout and "duration:   4.00 s" in done.stdout
    assert soundfile.info(str(out)).frames == soundfile.info(str(speech_path)).frames


def test_unknown_voice_is_a_clear_error(speech_path: Path, tmp_path: Path) -> None:
    done = run_cli("convert", str(speech_path), "--voice", "Nobody", "-o", str(tmp_path / "x.wav"))
    assert done.returncode == 2
    assert "unknown voice 'Nobody'" in done.stderr
    assert not (tmp_path / "x.wav").exists()
