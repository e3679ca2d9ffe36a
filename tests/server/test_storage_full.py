"""A full disk answers 507 "storage is full", leaves no row and no file behind, keeps the
connection usable, and work goes on once space returns. The data dir is a small tmpfs (root
mounts one here; elsewhere the test is skipped)."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.helpers import make_folder, make_project, ok, wav_bytes
from tests.support.server import LiveServer


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path) -> Path:
    """Writes a file until the disk has no space left; returns it (delete it to free space)."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out:
        for size in (65536, 512, 1):  # then the last few bytes
            try:
                while True:
                    out.write(b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    return filler


def test_disk_full_is_507_and_leaves_nothing(small_disk: Path) -> None:
    server = LiveServer(data_dir=small_disk / "data").start()
    try:
        with server.client() as http:
            project = make_project(http, "Full")
            folder = make_folder(http, project["id"])
            take = {"data": ("take.wav", wav_bytes(duration_s=2.0), "audio/wav")}
            ok(http.post("/api/recordings", files=take,
                         data={"parent_folder_id": folder["id"]}), 201)
            tmp_before = sorted(p.name for p in (server.data_dir / "tmp").iterdir())
            filler = _fill(small_disk)

            big = {"data": ("big.wav", wav_bytes(duration_s=32.0), "audio/wav")}
            reply = http.post("/api/recordings", files=big,
                              data={"parent_folder_id": folder["id"]})
            assert reply.status_code == 507, reply.text
            assert reply.json() == {"detail": "storage is full"}

            exported = http.get(f"/api/projects/{project['id']}/export")
            assert exported.status_code == 507, exported.text[:300]
            assert exported.json() == {"detail": "storage is full"}

            renamed = http.patch(f"/api/projects/{project['id']}", json={"name": "Still full"})
            assert renamed.status_code in (200, 507), renamed.text  # never a 500

            # nothing left behind by the refused requests, and the connection still works
            assert sorted(p.name for p in (server.data_dir / "tmp").iterdir()) == tmp_before
            listed = ok(http.get("/api/recordings", params={"folder_id": folder["id"]}))
            assert listed["pagination"]["count"] == 1

            filler.unlink()
            ok(http.post("/api/recordings", files=big,
                         data={"parent_folder_id": folder["id"]}), 201)
            assert http.get(f"/api/projects/{project['id']}/export").status_code == 200
        assert "Internal server error" not in server.log()
    finally:
        server.stop()
