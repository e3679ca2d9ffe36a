"""Scratch folders: each process's temporaries are its own, and only a dead process's are swept."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from voxbooth.server import scratch as scratch_files
from voxbooth.server.blobs import open_storage
from voxbooth.server.scratch import LOCK_NAME, Scratch, sweep
from voxbooth.server.settings import Settings

_HOLDER = """
import sys, time
from pathlib import Path
from voxbooth.server.scratch import Scratch
s = Scratch(Path(sys.argv[1]))
(s.dir / "upload-1.part").write_bytes(b"half an upload")
print(s.dir, flush=True)
time.sleep(600)
"""


def _holder(root: Path) -> tuple[subprocess.Popen[str], Path]:
    """Another process holding a scratch folder under `root` with a temporary in it."""
    proc = subprocess.Popen([sys.executable, "-c", _HOLDER, str(root)],
                            stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    assert proc.stdout is not None
    return proc, Path(proc.stdout.readline().strip())


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def test_a_live_process_folder_survives_a_sweep_and_a_killed_one_goes(tmp_path: Path) -> None:
    proc, folder = _holder(tmp_path)
    try:
        assert folder.parent == tmp_path and f"p{proc.pid}-" in folder.name
        assert sweep(tmp_path) == 0
        assert (folder / "upload-1.part").read_bytes() == b"half an upload"
    finally:
        _stop(proc)  # SIGKILL: no clean-up ran, the kernel dropped the lock
    assert (folder / "upload-1.part").exists()
    assert sweep(tmp_path) == 1
    assert list(tmp_path.iterdir()) == []


def test_two_folders_in_one_process_leave_each_other_alone(tmp_path: Path) -> None:
    first, second = Scratch(tmp_path), Scratch(tmp_path)
    kept = first.new_file("serve-", ".mp3")
    assert sweep(tmp_path) == 0
    assert kept.exists() and second.dir.exists()
    first.close()
    assert not first.dir.exists() and second.dir.exists()
    second.close()
    assert list(tmp_path.iterdir()) == []


def test_loose_files_go_by_age_and_folders_being_born_are_left(tmp_path: Path) -> None:
    fresh = tmp_path / "upload-fresh.part"  # an older version's live upload, maybe
    stale = tmp_path / "conversion-old.wav"
    born = tmp_path / ".new-p1-abc"  # a process between mkdir and lock
    born.mkdir()
    other = tmp_path / "decoder-1"  # a folder someone else keeps here, without our lock
    other.mkdir()
    for path in (fresh, stale):
        path.write_bytes(b"x")
    day_ago = time.time() - 25 * 3600
    os.utime(stale, (day_ago, day_ago))
    assert sweep(tmp_path) == 1
    assert fresh.exists() and born.exists() and other.exists() and not stale.exists()
    for folder in (born, other):
        os.utime(folder, (day_ago, day_ago))
    assert sweep(tmp_path) == 2 and not born.exists() and not other.exists()


def test_a_file_block_removes_its_file_however_it_ends(tmp_path: Path) -> None:
    with Scratch(tmp_path) as scratch:
        with pytest.raises(RuntimeError), scratch.file("export-", ".zip") as path:
            path.write_bytes(b"PK")
            raise RuntimeError("disk full")
        assert not path.exists()
        with scratch.file("tts-", ".wav") as path:
            assert path.parent == scratch.dir
        assert sorted(p.name for p in scratch.dir.iterdir()) == [LOCK_NAME]
    assert not scratch.dir.exists() and scratch.dir.resolve() not in scratch_files._held


def test_a_stopped_process_removes_its_folder_with_what_is_left_in_it(tmp_path: Path) -> None:
    scratch = Scratch(tmp_path)
    scratch.new_file("upload-", ".part")
    scratch.close()
    scratch.close()  # twice is harmless
    assert list(tmp_path.iterdir()) == []


_STARTER = """
import sys
from pathlib import Path
from voxbooth.server.blobs import open_storage
from voxbooth.server.settings import Settings
open_storage(Settings(data_dir=Path(sys.argv[1]))).close()
"""


class _StartsAnotherProcessMidway(io.RawIOBase):
    """A stream being put: half-way through, another service process starts on the same data
    dir (and runs its start-up sweep) before the rest arrives."""

    def __init__(self, data_dir: Path, payload: bytes) -> None:
        self.data_dir, self.payload, self.sent, self.started = data_dir, payload, 0, False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.sent >= len(self.payload) // 2 and not self.started:
            subprocess.run([sys.executable, "-c", _STARTER, str(self.data_dir)], check=True,
                           timeout=120)
            self.started = True
        piece = self.payload[self.sent:self.sent + min(len(buffer), 65536)]
        buffer[:len(piece)] = piece
        self.sent += len(piece)
        return len(piece)


def test_a_put_in_flight_survives_another_process_starting(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    settings.ensure_dirs()
    storage = open_storage(settings)
    payload = os.urandom(1_000_000)
    try:
        stream = _StartsAnotherProcessMidway(settings.data_dir, payload)
        key = storage.blobs.put_stream(io.BufferedReader(stream))
        assert stream.started
        with storage.blobs.open(key) as stored:
            assert stored.read() == payload
    finally:
        storage.close()
    assert list(settings.tmp_dir.iterdir()) == []
