"""Benchmark: a team server on the tests' private PostgreSQL. A batch of 12 conversions of 30 s
takes with 1 and then 2 `voxbooth worker` processes (procrastinate workers, one task at a time
each) beside an API-only `voxbooth serve --no-workers`: conversions per minute. Then the time
from `kill -9` of the worker running a conversion to that conversion running on the other worker
(a worker silent for JOB_LEASE_S, 20 s by default, is taken for dead).
Run with `.venv/bin/pytest -s tests/bench/test_team_workers.py`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.server.helpers import make_folder, make_project, ok, upload
from tests.support.postgres import PostgresCluster
from tests.support.server import LiveServer, LiveWorker
from tests.support.speech import repeated_speech_wav

ELENA = "54f14355-addb-56c4-87fd-50e71757bf3d"
BATCH = 12


def _job(url: str, subject_id: str) -> tuple[str, int, str | None]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT state, attempts, lease_owner FROM jobs"
                                    " WHERE subject_id = :id"), {"id": subject_id}).one()
            return str(row[0]), int(row[1]), row[2]
    finally:
        engine.dispose()


def _wait_all_idle(url: str, timeout_s: float = 900) -> None:
    engine = create_engine(url)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                if conn.execute(text("SELECT count(*) FROM jobs WHERE state IN"
                                     " ('queued', 'running')")).scalar_one() == 0:
                    return
            time.sleep(0.5)
    finally:
        engine.dispose()
    raise AssertionError(f"background jobs still busy after {timeout_s} s")


def _batch_per_minute(http: httpx.Client, take_id: str) -> tuple[float, float]:
    started = time.monotonic()
    made = ok(http.post("/api/v2/orders", json={
        "original_id": take_id, "conversions": [{"voice_id": ELENA}] * BATCH}), 201)
    ids = [c["id"] for c in made]
    while True:
        states = [ok(http.get(f"/api/recordings/{i}"))["state"] for i in ids]
        if all(s in ("done", "error") for s in states):
            break
        time.sleep(0.5)
    assert set(states) == {"done"}, states
    elapsed_s = time.monotonic() - started
    return BATCH * 60.0 / elapsed_s, elapsed_s


@pytest.mark.timeout(1500)  # two batches of 12 and a take-over: minutes on a busy machine
def test_conversions_per_minute_and_takeover(tmp_path: Path, speech_path: Path,
                                             postgres_cluster: PostgresCluster) -> None:
    url = postgres_cluster.fresh_database("bench")
    data_dir = tmp_path / "data"
    api = LiveServer(data_dir=data_dir, database_url=url, serve_args=["--no-workers"]).start()
    workers: list[LiveWorker] = []
    figures: dict[int, Any] = {}
    try:
        workers.append(LiveWorker(data_dir=data_dir, database_url=url).start())
        with api.client() as http:
            folder = make_folder(http, make_project(http, "Bench")["id"])["id"]
            take = upload(http, folder, "thirty", path=repeated_speech_wav(
                speech_path, 8, tmp_path / "take.wav"))  # 8 x 3.9 s = about 31 s
            long_take = upload(http, folder, "long", path=repeated_speech_wav(
                speech_path, 40, tmp_path / "long.wav"))
            _wait_all_idle(url)  # the takes' peaks and transcripts first: the one worker has
            # one thread, and a transcript ahead of the batch would be timed with it
            for count in (1, 2):
                while len(workers) < count:
                    workers.append(LiveWorker(data_dir=data_dir, database_url=url).start())
                figures[count] = _batch_per_minute(http, take["id"])
            # kill -9 the worker running a long conversion; time until the other runs it
            (conversion,) = ok(http.post("/api/v2/orders", json={
                "original_id": long_take["id"], "conversions": [{"voice_id": ELENA}]}), 201)
            while (job := _job(url, conversion["id"]))[0] != "running":
                time.sleep(0.05)
            victim = next(w for w in workers if str(w.pid) == str(job[2]).split(":")[1])
            victim.kill()
            killed = time.monotonic()
            while (job := _job(url, conversion["id"]))[1] < 2 or job[0] != "running":
                assert job[0] != "done" or job[1] >= 2
                time.sleep(0.05)
            takeover_s = time.monotonic() - killed
    finally:
        for w in workers:
            w.stop()
        api.stop()
    per_min_1, elapsed_1 = figures[1]
    per_min_2, elapsed_2 = figures[2]
    print(f"\n{BATCH} conversions of 31 s, one worker process: {per_min_1:.1f}/min "
          f"({elapsed_1:.1f} s)")
    print(f"{BATCH} conversions of 31 s, two worker processes: {per_min_2:.1f}/min "
          f"({elapsed_2:.1f} s; x{per_min_2 / per_min_1:.2f} the one-worker rate)")
    print(f"kill -9 of the running worker to the conversion running elsewhere: "
          f"{takeover_s:.1f} s (worker silent 20 s, bound 60 s)")
