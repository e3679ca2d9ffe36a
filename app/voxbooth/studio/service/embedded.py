"""The embedded service: `voxbooth serve` as a child process on a free loopback port.

Qt-free and blocking on purpose; the studio calls `wait_until_healthy` from a worker, never from
the GUI thread. The child is stopped by its PID, never by name.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HEALTH_PATH = "/api/health"


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def new_local_api_key() -> str:
    return "vbk_" + secrets.token_urlsafe(24)


class EmbeddedService:
    """Starts, watches and stops one `voxbooth serve` child.

    The API key is generated once per studio run and handed to the child in its environment
    (`VOXBOOTH_LOCAL_API_KEY`): the service creates the local user owning it, so nothing secret
    is written to disk by the studio.
    """

    def __init__(self, data_dir: Path, *, python: str = sys.executable,
                 api_key: str | None = None, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.python = python
        self.api_key = api_key or new_local_api_key()
        self.port = port or free_loopback_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.restarts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "service.log"

    def start(self) -> None:
        """Launches the child (returns at once; see `wait_until_healthy`)."""
        if self.is_running():
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, VOXBOOTH_LOCAL_API_KEY=self.api_key,
                   VOXBOOTH_EXIT_WITH_PID=str(os.getpid()),
                   VOXBOOTH_DATA_DIR=str(self.data_dir), PYTHONUNBUFFERED="1")
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [self.python, "-m", "voxbooth", "serve", "--host", "127.0.0.1",
                 "--port", str(self.port), "--data-dir", str(self.data_dir)],
                env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )

    def is_running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def is_healthy(self, timeout_s: float = 1.0) -> bool:
        """Worker thread. httpx is imported here, not with the module: the studio launches its
        service before its window paints, and importing httpx then cost a second of it."""
        import httpx

        try:
            return httpx.get(self.url + HEALTH_PATH, timeout=timeout_s).status_code == 200
        except httpx.HTTPError:
            return False

    def is_listening(self) -> bool:
        """Whether the child accepts connections yet (a loopback connect: no HTTP client)."""
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.5)
            return sock.connect_ex(("127.0.0.1", self.port)) == 0

    def wait_until_healthy(self, timeout_s: float = 60.0,
                           cancelled: Callable[[], bool] = lambda: False) -> None:
        """Blocks until `/api/health` answers; raises RuntimeError with the log's tail if the
        child exits or the time runs out. Worker thread only.

        Until the child listens, a bare connect every 20 ms: an HTTP client per try (httpx
        makes an SSL context for each) cost tenths of a second of the start on a busy
        machine. httpx is imported meanwhile, while the child is still starting."""
        import httpx  # noqa: F401 - now, beside the child's start, not after it

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and not cancelled():
            if not self.is_running():
                raise RuntimeError("The embedded service stopped while starting.\n"
                                   + self.log_tail())
            if not self.is_listening():
                time.sleep(0.02)
                continue
            if self.is_healthy():
                return
            time.sleep(0.05)
        raise RuntimeError(f"The embedded service did not answer within {timeout_s:.0f} s.\n"
                           f"{self.log_tail()}")

    def restart(self, timeout_s: float = 60.0) -> None:
        """Stops what is left of the child and starts a new one on the same port and key, so
        the client and everything the studio holds stay valid. Worker thread only."""
        self.stop()
        if not _port_is_free(self.port):
            self.port = free_loopback_port()
        self.restarts += 1
        self.start()
        self.wait_until_healthy(timeout_s)

    def stop(self, timeout_s: float = 10.0) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True
