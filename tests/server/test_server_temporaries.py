"""Temporaries belong to the process that makes them: a killed service leaves nothing after its
next start, two services on one data dir never remove each other's uploads in flight, and no
failure (bad upload, dropped download, failed export) leaves a file behind."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.helpers import make_folder, make_project, ok, upload, wav_bytes
from tests.support.blob_store import on_s3
from tests.support.leftovers import temporaries
from tests.support.server import LiveServer


class SlowUpload:
    """A multipart take upload that sends its first half, then waits for `finish()`."""

    def __init__(self, server: LiveServer, folder_id: str, audio: bytes) -> None:
        boundary = "vbx" + secrets.token_hex(8)
        self.head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="parent_folder_id"\r\n\r\n'
            f"{folder_id}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"label\""
            f"\r\n\r\nslow take\r\n--{boundary}\r\nContent-Disposition: form-data; "
            f'name="data"; filename="slow.wav"\r\nContent-Type: audio/wav\r\n\r\n').encode()
        self.tail = f"\r\n--{boundary}--\r\n".encode()
        self.audio, self.server = audio, server
        self.content_type = f"multipart/form-data; boundary={boundary}"
        self.gate = threading.Event()
        self.reply: httpx.Response | BaseException | None = None
        self.thread = threading.Thread(target=self._send, daemon=True)

    def _body(self) -> Iterator[bytes]:
        half = len(self.audio) // 2
        yield self.head + self.audio[:half]
        self.gate.wait(60)
        yield self.audio[half:] + self.tail

    def _send(self) -> None:
        size = len(self.head) + len(self.audio) + len(self.tail)
        try:
            with self.server.client() as http:
                self.reply = http.post("/api/recordings", content=self._body(), headers={
                    "content-type": self.content_type, "content-length": str(size)})
        except BaseException as exc:  # the server was killed under it
            self.reply = exc

    def start(self) -> SlowUpload:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.spooled():
            assert time.monotonic() < deadline, "the upload never reached the disk"
            time.sleep(0.02)
        return self

    def spooled(self) -> list[Path]:
        return [p for p in temporaries(self.server.data_dir) if p.name.startswith("upload-")]

    def finish(self) -> httpx.Response | BaseException | None:
        self.gate.set()
        self.thread.join(30)
        return self.reply


def _place(server: LiveServer) -> dict[str, Any]:
    with server.client() as http:
        return make_folder(http, make_project(http, "Temporaries")["id"])


def _no_leftovers(server: LiveServer, timeout_s: float = 5.0) -> list[Path]:
    deadline = time.monotonic() + timeout_s
    while (left := temporaries(server.data_dir)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def test_a_service_killed_mid_upload_leaves_nothing_after_its_next_start(tmp_path: Path) -> None:
    server = LiveServer(data_dir=tmp_path / "data").start()
    try:
        slow = SlowUpload(server, _place(server)["id"], wav_bytes(duration_s=3.0)).start()
        killed_folder = slow.spooled()[0].parent
        server.kill()
        assert isinstance(slow.finish(), httpx.HTTPError)
        assert slow.spooled(), "SIGKILL ran no clean-up: the half upload is still there"
        server.start()
        assert temporaries(server.data_dir) == []
        assert not killed_folder.exists()
        with server.client() as http:  # and the service works as before
            upload(http, _place(server)["id"], "after the crash")
    finally:
        server.stop()
    assert temporaries(server.data_dir) == []
    assert list((server.data_dir / "tmp").iterdir()) == []  # a clean stop took its folder


def test_a_second_service_starting_leaves_the_first_ones_upload_alone(tmp_path: Path) -> None:
    first = LiveServer(data_dir=tmp_path / "data").start()
    second = LiveServer(data_dir=first.data_dir, api_key=first.api_key)
    try:
        audio = wav_bytes(duration_s=3.0, freq_hz=330.0)
        slow = SlowUpload(first, _place(first)["id"], audio).start()
        in_flight = slow.spooled()
        second.start()  # its start-up sweep runs now
        assert all(path.exists() for path in in_flight)
        reply = slow.finish()
        assert isinstance(reply, httpx.Response), reply
        take = ok(reply, 201)
        with second.client() as http:  # the other process serves it from the shared store
            stored = http.get(take["url"], params={"format": "original"})
            assert stored.status_code == 200 and stored.content == audio
        assert _no_leftovers(first) == []
    finally:
        second.stop()
        first.stop()


@pytest.fixture(scope="module")
def served(live_server: LiveServer, speech_path: Path) -> dict[str, Any]:
    with live_server.client() as http:
        folder = _place(live_server)
        take = upload(http, folder["id"], "long line", path=speech_path)
        return {"take": take, "folder": folder}


def test_a_download_dropped_half_way_leaves_nothing(live_server: LiveServer,
                                                   served: dict[str, Any]) -> None:
    with live_server.client() as http:
        for fmt in ("flac", "ogg", "mp3"):
            with http.stream("GET", served["take"]["url"], params={"format": fmt}) as reply:
                assert reply.status_code == 200
                next(reply.iter_raw(1024))  # the listener gives up after the first bytes
            assert _no_leftovers(live_server) == [], fmt
        whole = http.get(served["take"]["url"], params={"format": "flac"})
        assert whole.status_code == 200 and whole.content[:4] == b"fLaC"
        assert int(whole.headers["content-length"]) == len(whole.content)
    assert _no_leftovers(live_server) == []


def test_exports_leave_nothing_when_they_succeed_or_are_dropped(live_server: LiveServer,
                                                           served: dict[str, Any]) -> None:
    project_id = served["folder"]["project_id"]
    with live_server.client() as http:
        good = http.get(f"/api/projects/{project_id}/export")
        assert good.status_code == 200 and good.content[:2] == b"PK"
        with http.stream("GET", f"/api/projects/{project_id}/export") as dropped:
            next(dropped.iter_raw(512))
        assert _no_leftovers(live_server) == []


@pytest.mark.skipif(on_s3(), reason="breaks a blob file of the file store")
def test_an_export_failing_half_way_leaves_nothing(live_server: LiveServer,
                                                   served: dict[str, Any]) -> None:
    project_id = served["folder"]["project_id"]
    with live_server.client() as http:
        broken = upload(http, served["folder"]["id"], "broken", content=wav_bytes())
        blob = _blob_of(live_server, http, broken)
        blob.unlink()
        blob.symlink_to(blob.name)  # the store now fails to read it (ELOOP), mid-export
        failed = http.get(f"/api/projects/{project_id}/export")
        assert failed.status_code == 503 and "storage" in failed.json()["detail"]
        assert _no_leftovers(live_server) == []
        assert http.get("/api/health").status_code == 200


def _blob_of(server: LiveServer, http: httpx.Client, rec: dict[str, Any]) -> Path:
    original = http.get(rec["url"], params={"format": "original"}).content
    for path in (server.data_dir / "blobs").rglob("*"):
        if path.is_file() and path.read_bytes() == original:
            return path
    raise AssertionError("the take's blob is not in the store")
