"""`voxbooth admin`, `worker` and `migrate` against a database: `--database-url` reaches the
server's database (SQLite or PostgreSQL), and a data dir with no database is refused, not filled
with a new empty SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.server import LiveServer


def voxbooth(*args: str, env: dict[str, str] | None = None,
             stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VOXBOOTH_")}
    return subprocess.run([sys.executable, "-m", "voxbooth", *args], env={**clean, **(env or {})},
                          input=stdin, capture_output=True, text=True, timeout=120)


def test_admin_and_worker_refuse_a_data_dir_without_a_database(tmp_path: Path) -> None:
    empty = tmp_path / "typo-data"
    for command in (["admin", "create-user", "a@example.com"], ["worker"]):
        done = voxbooth(*command, "--data-dir", str(empty), stdin="long password\n")
        assert done.returncode != 0
        assert "no database at" in done.stderr and "--database-url" in done.stderr
        assert not (empty / "voxbooth.sqlite3").exists()
    made = voxbooth("migrate", "--data-dir", str(empty))  # the deliberate way to make one
    assert made.returncode == 0, made.stderr
    assert (empty / "voxbooth.sqlite3").exists()
    assert voxbooth("admin", "create-user", "a@example.com", "--data-dir", str(empty),
                    stdin="long password\n").returncode == 0


def test_admin_reaches_the_server_database_by_url(live_server: LiveServer,
                                                  tmp_path: Path) -> None:
    elsewhere = tmp_path / "not-the-server"  # only the URL says where the users live
    created = voxbooth("admin", "create-user", "url@example.com", "--data-dir", str(elsewhere),
                       "--database-url", live_server.database_url, stdin="long password\n")
    assert created.returncode == 0, created.stderr
    key = voxbooth("admin", "create-api-key", "url@example.com", "--data-dir", str(elsewhere),
                   env={"VOXBOOTH_DATABASE_URL": live_server.database_url})
    assert key.returncode == 0, key.stderr
    with live_server.client(key.stdout.strip()) as http:
        assert http.get("/api/credits").status_code == 200
    assert not (elsewhere / "voxbooth.sqlite3").exists()
