"""A take survives the recording process being killed, and is repaired on the next start."""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.audio.signals import RATE_HZ, align, speech_at
from tests.support.pulse import VirtualMic
from voxbooth.audio.recovery import find_incomplete, recover_folder, repair
from voxbooth.audio.take_file import MARKER_SUFFIX, TakeFile, TakeFormat, TakeMarker, marker_path


def _start_record(vmic: VirtualMic, out: Path) -> tuple[subprocess.Popen[str], float]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "voxbooth", "record", str(out), "--seconds", "60"],
        env={**vmic.env, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("recording"), line
    return proc, time.monotonic()


@pytest.mark.parametrize("name", ["killed.wav", "killed.flac"])
def test_sigkill_mid_take_loses_at_most_the_last_second(vmic: VirtualMic, speech_path: Path,
                                                        tmp_path: Path, name: str) -> None:
    played = np.tile(speech_at(speech_path), 2)  # 8 s of real speech
    out = tmp_path / name
    proc, started = _start_record(vmic, out)
    vmic.play(played, RATE_HZ)
    played_at = time.monotonic()
    time.sleep(3.5)
    proc.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    proc.wait(timeout=10)

    incomplete = find_incomplete(tmp_path)
    assert [t.path for t in incomplete] == [out]
    repaired = recover_folder(tmp_path)
    assert [r.path for r in repaired] == [out]
    assert not marker_path(out).exists()

    recorded, rate = sf.read(out, dtype="float64")
    assert rate == RATE_HZ
    lag, ncc = align(recorded, played[: int((killed_at - played_at) * RATE_HZ)])
    assert ncc > 0.99  # the speech itself, intact up to where it stops
    # The file reaches to within a second of the moment of the kill.
    heard_s = recorded.shape[0] / RATE_HZ - lag / RATE_HZ  # played audio the file holds
    assert heard_s >= (killed_at - played_at) - 1.0 - 0.2  # 0.2 s: pacat and monitor latency
    assert recorded.shape[0] / RATE_HZ >= (killed_at - started) - 1.0 - 2.0  # 2 s: stream start


def _torn_wav(path: Path, frames: int) -> np.ndarray:
    """What a killed writer leaves: header sizes stale, half a frame at the end, marker kept."""
    signal_ = (0.3 * np.sin(np.arange(frames) / 10.0)).astype(np.float32)[:, None]
    take = TakeFile(path, 16000, 1, TakeFormat("WAV", "FLOAT"))
    take.write(signal_[: frames // 2])
    take.abandon()
    with path.open("ab") as f:  # written after the header's last update, then torn
        f.write(signal_[frames // 2:].tobytes())
        f.write(b"\x01\x02")
    return signal_[:, 0]


def test_repair_of_a_torn_wav_keeps_every_whole_frame(tmp_path: Path) -> None:
    path = tmp_path / "torn.wav"
    written = _torn_wav(path, 16000)
    TakeMarker.load(marker_path(path))  # the marker names the take's format
    repaired = repair(path)
    assert repaired is not None and repaired.frames == 16000
    data, rate = sf.read(path, dtype="float32")
    assert rate == 16000
    np.testing.assert_array_equal(data, written)
    riff_size = struct.unpack("<I", path.read_bytes()[4:8])[0]
    assert riff_size == path.stat().st_size - 8


def test_takes_being_recorded_are_not_incomplete(tmp_path: Path) -> None:
    take = TakeFile(tmp_path / "live.wav", 16000, 1, TakeFormat())
    take.write(np.zeros((1600, 1), dtype=np.float32))
    assert find_incomplete(tmp_path) == []  # our own process still owns it
    take.close()
    assert not list(tmp_path.glob("*" + MARKER_SUFFIX))


def test_a_take_killed_before_any_audio_is_cleared_away(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    TakeMarker(path.name, 48000, 1, "WAV", "FLOAT", pid=_dead_pid(), started_unix_s=0.0).save(
        marker_path(path))
    path.write_bytes(b"RIFF")
    assert [t.path for t in find_incomplete(tmp_path)] == [path]
    assert repair(path) is None
    assert list(tmp_path.iterdir()) == []


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert not os.path.exists(f"/proc/{proc.pid}")
    return proc.pid


def test_the_next_record_run_repairs_what_a_crash_left(vmic: VirtualMic, tmp_path: Path) -> None:
    torn = tmp_path / "yesterday.wav"
    written = _torn_wav(torn, 8000)
    marker = TakeMarker.load(marker_path(torn))
    TakeMarker(**{**marker.__dict__, "pid": _dead_pid()}).save(marker_path(torn))
    done = subprocess.run(
        [sys.executable, "-m", "voxbooth", "record", str(tmp_path / "today.wav"),
         "--seconds", "0.3"],
        env=vmic.env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"recovered an interrupted take: {torn} (0.50 s)" in done.stdout
    np.testing.assert_array_equal(sf.read(torn, dtype="float32")[0], written)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["today.wav", "yesterday.wav"]
