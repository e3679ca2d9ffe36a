"""A restarted service keeps its data and resumes the jobs it had not run; the database schema
is what the models say, built by the shipped migrations."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from tests.server.helpers import make_folder, make_project, ok, upload, wav_bytes
from tests.support.server import LiveServer
from voxbooth.server.migrate import MIGRATIONS_DIR, include_name, is_at_head, script_heads, upgrade
from voxbooth.server.models import Base


def test_restart_keeps_data_and_resumes_queued_jobs(tmp_path: Path, speech_path: Path) -> None:
    # First life: no workers, so the waveform job of the upload stays queued; settings come
    # from VOXBOOTH_* variables (a 200 kB upload limit here).
    server = LiveServer(data_dir=tmp_path / "data", extra_env={
        "VOXBOOTH_JOB_WORKERS": "0", "VOXBOOTH_MAX_UPLOAD_BYTES": "200000"})
    server.start()
    try:
        with server.client() as http:
            project = make_project(http, "Survivor")
            take = upload(http, make_folder(http, project["id"])["id"], "kept", path=speech_path)
            assert http.get(f"/api/recordings/{take['id']}/waveform").status_code == 202
            too_big = http.post("/api/recordings", files={"data": ("big.wav", wav_bytes(8.0))},
                                data={"parent_folder_id": take["parent_folder_id"]})
            assert too_big.status_code == 413
            key = ok(http.post("/api/api-key"), 201)["api_key"]
    finally:
        server.kill()  # no clean shutdown
    server.extra_env = {}
    server.start()
    try:
        with server.client() as http:
            assert ok(http.get(f"/api/projects/{project['id']}"))["name"] == "Survivor"
            assert http.get(take["url"]).content == speech_path.read_bytes()
            for _ in range(200):
                reply = http.get(f"/api/recordings/{take['id']}/waveform")
                if reply.status_code == 200:
                    break
                time.sleep(0.05)
            assert reply.status_code == 200 and reply.json()["frames"] == 64000
        with server.client(key) as http:  # keys made before the restart still work
            assert http.get("/api/credits").status_code == 200
    finally:
        server.stop()


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_migrations_build_exactly_the_models(tmp_path: Path, database: str,
                                             request: pytest.FixtureRequest) -> None:
    url = f"sqlite:///{tmp_path / 'schema.sqlite3'}" if database == "sqlite" \
        else request.getfixturevalue("postgres_cluster").fresh_database("schema")
    engine = create_engine(url)
    upgrade(engine)
    upgrade(engine)  # running again is a no-op
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], diff
    tables = set(inspect(engine).get_table_names())
    assert {"users", "api_keys", "sessions", "credit_entries", "projects", "folders",
            "recordings", "notes", "voice_settings", "calibrations", "private_voices",
            "voice_samples", "accent_samples", "jobs"} <= tables
    engine_tables = {"procrastinate_jobs", "procrastinate_workers", "procrastinate_events"}
    assert engine_tables <= tables if database == "postgresql" else not engine_tables & tables
    engine.dispose()


def test_a_database_at_head_is_told_without_alembic(tmp_path: Path) -> None:
    """The service's start reads the heads from the scripts' revision lines: they are Alembic's
    own, and a database already there is not migrated (nor Alembic imported) again."""
    assert script_heads() == frozenset(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())
    url = f"sqlite:///{tmp_path / 'at-head.sqlite3'}"
    engine = create_engine(url)
    assert not is_at_head(engine)  # a new database
    upgrade(engine)
    assert is_at_head(engine)
    engine.dispose()
    check = ("import sys; from sqlalchemy import create_engine; from voxbooth.server.migrate "
             f"import upgrade; upgrade(create_engine({url!r})); print('alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                          env=dict(os.environ), timeout=60, check=True)
    assert done.stdout.strip() == "False", done.stdout + done.stderr


def test_an_embedded_service_stops_once_its_studio_is_gone(tmp_path: Path) -> None:
    """A studio killed without stopping its service (SIGKILL, a crash) leaves no service behind."""
    studio = subprocess.Popen(["sleep", "300"])  # stands in for the studio's process
    server = LiveServer(data_dir=tmp_path / "data",
                        extra_env={"VOXBOOTH_EXIT_WITH_PID": str(studio.pid)}).start()
    try:
        studio.kill()
        studio.wait()
        assert server.proc is not None
        server.proc.wait(timeout=30)  # raises if the service outlives its studio
    finally:
        server.stop()
