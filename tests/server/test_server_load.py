"""Bursts and slow clients cannot knock the service over: every request is answered (2xx, or
503 with Retry-After that succeeds when retried), /api/health answers throughout, and uploads
trickling in hold nothing that other requests need."""

from __future__ import annotations

import socket
import threading
import time
import uuid

import httpx

from tests.server.helpers import make_folder, make_project, ok, wav_bytes
from tests.support.burst import run_burst
from tests.support.server import LiveServer


def test_a_burst_of_uploads_and_lists_is_all_answered(live_server: LiveServer) -> None:
    with live_server.client() as http:
        folder = make_folder(http, make_project(http, "Burst")["id"])
    audio = wav_bytes(duration_s=32.0)  # 1 MB
    result = run_burst(live_server, folder["id"], audio, uploads=20, lists=50)
    failures = [(o.kind, o.status, o.error[:200]) for o in result.failures()]
    assert failures == [], failures
    assert len(result.outcomes) == 70
    assert result.health_failures == [], result.health_failures
    assert len(result.health_s) >= 5  # health was probed, and answered, during the burst
    with live_server.client() as http:
        listed = ok(http.get("/api/recordings", params={"folder_id": folder["id"]}))
    assert listed["pagination"]["count"] == 20  # every upload made exactly one take
    assert "Internal server error" not in live_server.log()


def _trickle(url: str, key: str, folder_id: str, stop: threading.Event) -> None:
    """A multipart upload whose body arrives a few bytes at a time and never ends."""
    host, port = url.removeprefix("http://").split(":")
    boundary = "trickle" + uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"parent_folder_id\"\r\n\r\n"
            f"{folder_id}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"data\"; "
            f"filename=\"slow.wav\"\r\nContent-Type: audio/wav\r\n\r\n").encode()
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall((f"POST /api/recordings HTTP/1.1\r\nHost: {host}\r\napi-key: {key}\r\n"
                      f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                      f"Content-Length: {1024 * 1024}\r\n\r\n").encode() + head)
        while not stop.wait(0.2):
            try:
                sock.sendall(b"\x00" * 16)
            except OSError:
                return


def test_slow_trickling_uploads_do_not_affect_other_requests(live_server: LiveServer) -> None:
    with live_server.client() as http:
        folder = make_folder(http, make_project(http, "Trickle")["id"])
    stop = threading.Event()
    slow = [threading.Thread(target=_trickle, daemon=True,
                             args=(live_server.url, live_server.api_key, folder["id"], stop))
            for _ in range(15)]
    for thread in slow:
        thread.start()
    try:
        time.sleep(2.0)  # every slow upload is in, holding its request open
        statuses = []
        with live_server.client() as http:
            # more requests than the pool has connections and the service has threads
            for i in range(40):
                if i % 4 == 0:
                    reply = http.post("/api/recordings",
                                      files={"data": ("quick.wav", wav_bytes())},
                                      data={"parent_folder_id": folder["id"]})
                else:
                    reply = http.get("/api/recordings", params={"folder_id": folder["id"]})
                statuses.append(reply.status_code)
            assert httpx.get(f"{live_server.url}/api/health").status_code == 200
        assert all(200 <= s < 300 for s in statuses), statuses
    finally:
        stop.set()
        for thread in slow:
            thread.join(timeout=10)
