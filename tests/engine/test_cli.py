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


def test_several_voices_make_one_file_each(speech_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "line.wav"
    done = run_cli("convert", str(speech_path), "--voice", "Pip", "--voice", "Marcus",
                   "-o", str(out))
    assert done.returncode == 0, done.stderr
    pip, marcus = tmp_path / "line - Pip.wav", tmp_path / "line - Marcus.wav"
    assert f"written:    {pip}" in done.stdout and f"written:    {marcus}" in done.stdout
    assert done.stdout.count("target f0:") == 2 and not out.exists()
    for path in (pip, marcus):
        assert soundfile.info(str(path)).frames == soundfile.info(str(speech_path)).frames
    named = run_cli("convert", str(speech_path), "--voice", "Pip", "--voice", "Marcus",
                    "-o", str(tmp_path / "take as {voice}.flac"))
    assert named.returncode == 0, named.stderr
    assert soundfile.info(str(tmp_path / "take as Marcus.flac")).format == "FLAC"


def test_a_voice_twice_or_an_unknown_second_voice_converts_nothing(speech_path: Path,
                                                                   tmp_path: Path) -> None:
    twice = run_cli("convert", str(speech_path), "--voice", "Pip", "--voice", "pip",
                    "-o", str(tmp_path / "x.wav"))
    assert twice.returncode == 2 and "Pip asked for more than once" in twice.stderr
    unknown = run_cli("convert", str(speech_path), "--voice", "Pip", "--voice", "Nobody",
                      "-o", str(tmp_path / "x.wav"))
    assert unknown.returncode == 2 and "unknown voice 'Nobody'" in unknown.stderr
    assert list(tmp_path.iterdir()) == []
