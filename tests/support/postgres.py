"""A private PostgreSQL cluster for the tests: Debian's `postgresql` binaries, loopback only, a
socket dir of its own, started once per pytest process and stopped by its PID.

`VOXBOOTH_TEST_DATABASE=postgresql` makes every `LiveServer` (and the helpers that read its
database) use a fresh database in this cluster instead of SQLite in its data dir; tests that need
PostgreSQL whatever the selection take the `postgres_cluster` fixture (session-scoped, offered by
`tests/conftest.py`, which also stops the cluster when the session ends).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SELECTION_ENV = "VOXBOOTH_TEST_DATABASE"
_BIN_ROOT = Path("/usr/lib/postgresql")


def selected_database() -> str:
    """'sqlite' (the default) or 'postgresql', from VOXBOOTH_TEST_DATABASE."""
    value = os.environ.get(SELECTION_ENV, "sqlite").strip().lower() or "sqlite"
    if value in ("postgres", "pg"):
        value = "postgresql"
    if value not in ("sqlite", "postgresql"):
        raise RuntimeError(f"{SELECTION_ENV}={value!r}: expected 'sqlite' or 'postgresql'")
    return value


def _bin_dir() -> Path | None:
    versions = sorted((p for p in _BIN_ROOT.glob("*/bin") if (p / "initdb").exists()),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return versions[-1] if versions else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresCluster:
    """One running cluster; `database_url(name)` creates a database on first use."""

    root: Path
    port: int
    bin_dir: Path
    pid: int = 0

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def _as_owner(self, *argv: str) -> list[str]:
        # initdb refuses to run as root: run the binaries as the `postgres` system user then.
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *argv]
        return list(argv)

    def start(self) -> PostgresCluster:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        subprocess.run(self._as_owner(str(self.bin_dir / "initdb"), "-D", str(self.data_dir),
                                      "-A", "trust", "-U", "postgres", "-E", "UTF8",
                                      "--no-sync"),
                       check=True, capture_output=True, timeout=120)
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
                   "-c max_connections=300 -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off")
        subprocess.run(self._as_owner(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir),
                                      "-l", str(self.root / "pg.log"), "-o", options, "-w",
                                      "-t", "60", "start"),
                       check=True, capture_output=True, timeout=90)
        self.pid = int((self.data_dir / "postmaster.pid").read_text().split()[0])
        return self

    def stop(self) -> None:
        """Fast shutdown by the postmaster's PID, then the files go."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGINT)
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    os.kill(self.pid, 0)
                    time.sleep(0.05)
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.pid = 0
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A database called `name` (created unless it exists); returns its SQLAlchemy URL."""
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  (name,)).fetchone()
            if exists is None:
                conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def fresh_database(self, hint: str = "test") -> str:
        """A new empty database with a unique name."""
        stem = "".join(c for c in hint.lower() if c.isalnum())[:20] or "test"
        return self.create_database(f"{stem}_{os.getpid()}_{time.monotonic_ns()}")


_cluster: PostgresCluster | None = None


def cluster() -> PostgresCluster:
    """The process's cluster, started on first use (about 2 s)."""
    global _cluster
    if _cluster is None:
        bin_dir = _bin_dir()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL is not installed (Debian package `postgresql`, "
                               "see packaging/debian-packages.txt)")
        root = Path(tempfile.mkdtemp(prefix="voxbooth-pg-"))
        _cluster = PostgresCluster(root=root, port=_free_port(), bin_dir=bin_dir).start()
    return _cluster


def stop_cluster() -> None:
    global _cluster
    if _cluster is not None:
        _cluster.stop()
        _cluster = None


def database_url_for(data_dir: Path) -> str:
    """The database a test server with `data_dir` uses under the current selection: SQLite in
    the data dir, or one PostgreSQL database per data dir (a restarted server finds its data)."""
    if selected_database() == "sqlite":
        return f"sqlite:///{data_dir / 'voxbooth.sqlite3'}"
    digest = hashlib.sha1(str(data_dir.resolve()).encode()).hexdigest()[:20]
    return cluster().create_database(f"vb_{digest}")


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """The private cluster, for tests that need PostgreSQL whatever the selection."""
    if _bin_dir() is None:
        pytest.fail("PostgreSQL is not installed (Debian package `postgresql`)")
    yield cluster()
