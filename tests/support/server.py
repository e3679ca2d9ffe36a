"""A real VoxBooth service on loopback, started as a child process and stopped by its PID."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support import blob_store
from tests.support.postgres import database_url_for

# For a service that should transcribe each take (tests/conftest.py turns it off by default).
TRANSCRIBING = {"VOXBOOTH_TRANSCRIBE_TAKES": "true"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process(proc: subprocess.Popen[bytes] | None, grace_s: float) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `grace_s`."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def kill_process(proc: subprocess.Popen[bytes] | None) -> None:
    """SIGKILL at once (crash tests)."""
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait(timeout=5)


@dataclass
class LiveServer:
    """`voxbooth serve` on 127.0.0.1 with its own data dir.

    `api_key` belongs to the local user the service creates at start-up
    (`VOXBOOTH_LOCAL_API_KEY`), exactly as the embedded studio does it. `database_url` is the
    database it uses: by default SQLite in the data dir, or with `VOXBOOTH_TEST_DATABASE=
    postgresql` a database of the tests' private PostgreSQL cluster kept for this data dir.
    """

    data_dir: Path
    port: int = field(default_factory=free_port)
    api_key: str = field(default_factory=lambda: "vbk_" + secrets.token_urlsafe(24))
    extra_env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    database_url: str = ""
    serve_args: list[str] = field(default_factory=list)  # e.g. ["--no-workers"]

    def __post_init__(self) -> None:
        if not self.database_url:
            self.database_url = self.extra_env.get("VOXBOOTH_DATABASE_URL") \
                or database_url_for(self.data_dir)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "VOXBOOTH_LOCAL_API_KEY": self.api_key,
                "VOXBOOTH_DATA_DIR": str(self.data_dir),
                "VOXBOOTH_DATABASE_URL": self.database_url,
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(blob_store.service_env(self.data_dir))  # VOXBOOTH_TEST_BLOB_STORE=s3
        env.update(self.extra_env)
        return env

    def start(self, timeout_s: float = 90.0) -> LiveServer:
        # 90 s: importing scipy alone took 15 s of a 34 s start-up with eight engineers on 2 cores
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.data_dir.parent / f"server-{self.port}.log"
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "voxbooth", "serve", "--host", "127.0.0.1",
             "--port", str(self.port), "--data-dir", str(self.data_dir), *self.serve_args],
            env=self.env(), stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"voxbooth serve exited early:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"voxbooth serve did not answer within {timeout_s} s:\n{self.log()}")

    def stop(self) -> None:
        stop_process(self.proc, grace_s=15)

    def kill(self) -> None:
        """SIGKILL: the service gets no chance to clean up (crash tests)."""
        kill_process(self.proc)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path else ""

    def client(self, api_key: str | None = None) -> httpx.Client:
        """A plain httpx client with the local user's key (for testing the service itself)."""
        return httpx.Client(base_url=self.url, headers={"api-key": api_key or self.api_key},
                            timeout=30.0)

    def admin(self, *args: str, stdin: str | None = None) -> str:
        """Runs `voxbooth admin ...` against this server's data dir and returns its stdout."""
        done = subprocess.run(
            [sys.executable, "-m", "voxbooth", "admin", *args, "--data-dir", str(self.data_dir)],
            env=self.env(), input=stdin, capture_output=True, text=True, timeout=60, check=True,
        )
        return done.stdout


@dataclass
class LiveWorker:
    """`voxbooth worker` against a server's database and data dir, stopped by its PID."""

    data_dir: Path
    database_url: str
    threads: int = 1
    extra_env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    def start(self, wait: bool = True, timeout_s: float = 60.0) -> LiveWorker:
        env = dict(os.environ)
        env.update({"VOXBOOTH_DATA_DIR": str(self.data_dir), "PYTHONUNBUFFERED": "1",
                    "VOXBOOTH_DATABASE_URL": self.database_url})
        env.update(blob_store.service_env(self.data_dir))  # the API process's store
        env.update(self.extra_env)
        self.log_path = self.data_dir.parent / f"worker-{secrets.token_hex(4)}.log"
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "voxbooth", "worker", "--threads", str(self.threads)],
            env=env, stdout=log, stderr=subprocess.STDOUT)
        if wait:
            self.wait_ready(timeout_s)
        return self

    def wait_ready(self, timeout_s: float = 60.0) -> None:
        """Until the worker says it runs (migrated, handlers registered, threads started)."""
        assert self.proc is not None
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if "VoxBooth worker " in self.log():
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"voxbooth worker exited early:\n{self.log()}")
            time.sleep(0.1)
        raise RuntimeError(f"voxbooth worker not ready within {timeout_s} s:\n{self.log()}")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def stop(self) -> None:
        stop_process(self.proc, grace_s=20)

    def kill(self) -> None:
        """SIGKILL: no chance to give its jobs back."""
        kill_process(self.proc)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:] if self.log_path else ""
