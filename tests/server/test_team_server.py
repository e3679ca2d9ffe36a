"""A team server on the tests' real PostgreSQL: one API-only `voxbooth serve --no-workers`, job
workers in their own `voxbooth worker` processes, all sharing one database and data dir.

Conversions run exactly once across two workers; a worker killed with SIGKILL mid-job has its job
finished by another within the lease bound, with no restart; a worker started late re-runs
nothing; four processes starting together on a fresh database all come up.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from sqlalchemy import create_engine, text

from tests.server.helpers import make_folder, make_project, ok, upload
from tests.support.postgres import PostgresCluster
from tests.support.server import LiveServer, LiveWorker
from tests.support.speech import repeated_speech_wav

ELENA = "54f14355-addb-56c4-87fd-50e71757bf3d"
LEASE_S = 4.0  # short, so a take-over happens within seconds here
TAKEOVER_BOUND_S = 60.0  # what the team server promises
FAST = {"VOXBOOTH_JOB_LEASE_S": str(LEASE_S)}


def job_rows(url: str, kind: str = "convert", with_id: bool = False) -> list[Any]:
    engine = create_engine(url)
    extra = ", id" if with_id else ""
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(
                f"SELECT subject_id, state, attempts, lease_owner{extra} FROM jobs"
                " WHERE kind = :kind"), {"kind": kind}).all())
    finally:
        engine.dispose()


def wait_idle(url: str, timeout_s: float = 300) -> None:
    """Until the take's own peaks are made, so the workers are free for the conversions the test
    orders next. Transcripts (one at a time per process, minutes for a long take here) may go
    on: each worker has a second thread for conversions."""
    engine = create_engine(url)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                busy = conn.execute(text("SELECT count(*) FROM jobs WHERE state IN"
                                         " ('queued', 'running') AND kind <> 'transcript'")
                                    ).scalar_one()
            if busy == 0:
                return
            time.sleep(0.3)
    finally:
        engine.dispose()
    raise AssertionError(f"background jobs still busy after {timeout_s} s")


def wait_done(http: httpx.Client, ids: list[str], timeout_s: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        states = [ok(http.get(f"/api/recordings/{i}"))["state"] for i in ids]
        if all(s in ("done", "error") for s in states):
            assert states == ["done"] * len(ids), states
            return time.monotonic() - start
        time.sleep(0.3)
    raise AssertionError(f"not finished within {timeout_s} s: {states}")


@pytest.fixture
def team(tmp_path: Path, postgres_cluster: PostgresCluster) -> Iterator[dict[str, Any]]:
    """An API-only server on a fresh PostgreSQL database; workers are started by each test."""
    data_dir = tmp_path / "data"
    url = postgres_cluster.fresh_database("team")
    api = LiveServer(data_dir=data_dir, database_url=url, serve_args=["--no-workers"],
                     extra_env=FAST).start()
    workers: list[LiveWorker] = []
    try:
        yield {"api": api, "url": url, "data_dir": data_dir, "workers": workers}
    finally:
        for worker in workers:
            worker.stop()
        api.stop()


def worker(team: dict[str, Any], wait: bool = True) -> LiveWorker:
    made = LiveWorker(data_dir=team["data_dir"], database_url=team["url"], threads=2,
                      extra_env=FAST)
    team["workers"].append(made)
    return made.start(wait=wait)


def order(http: httpx.Client, take_id: str, count: int) -> list[str]:
    made = ok(http.post("/api/v2/orders", json={
        "original_id": take_id, "conversions": [{"voice_id": ELENA}] * count}), 201)
    return [c["id"] for c in made]


def test_eight_conversions_across_two_workers_run_exactly_once(team: dict[str, Any],
                                                                speech_path: Path) -> None:
    api: LiveServer = team["api"]
    first, second = worker(team), worker(team)
    with api.client() as http:
        take = upload(http, make_folder(http, make_project(http)["id"])["id"], path=speech_path)
        wait_idle(team["url"])
        ids = order(http, take["id"], 8)
        wait_done(http, ids, timeout_s=300)
        time.sleep(LEASE_S)  # a double run would show in the rows by now
        rows = job_rows(team["url"])
        assert sorted(r[0] for r in rows) == sorted(ids)
        assert {(r[1], r[2]) for r in rows} == {("done", 1)}  # one attempt each
        owners = {r[3] for r in rows}
        assert len(owners) == 2, owners  # both workers took some
        assert {o.split(":")[1] for o in owners} == {str(first.pid), str(second.pid)}
        for conversion_id in ids:
            audio = http.get(f"/api/recordings/{conversion_id}/file")
            assert audio.status_code == 200 and len(audio.content) > 10_000
    for line_owner in (first, second):  # each job started once, in one worker's log
        assert line_owner.proc is not None and line_owner.proc.poll() is None
    convert_jobs = {r[4] for r in job_rows(team["url"], with_id=True)}
    started = [line.split(" job ")[1].split()[0] for w in (first, second)
               for line in w.log().splitlines() if " attempt " in line and " started" in line]
    assert sorted(j for j in started if j in convert_jobs) == sorted(convert_jobs)


@contextlib.contextmanager
def conversion_held(owner: LiveWorker) -> Iterator[None]:
    """Inside: every process below `owner` (the engine's and the audio workers', also those it
    starts meanwhile) is SIGSTOPped, so its job stays running as a long conversion would while
    the worker itself goes on renewing the lease. On leaving (after `owner` was killed), they
    are SIGKILLed: a dead machine's conversion processes are gone too."""
    done = threading.Event()
    held: dict[int, psutil.Process] = {}

    def hold() -> None:
        while not done.is_set():
            with contextlib.suppress(psutil.NoSuchProcess):
                for child in psutil.Process(owner.pid).children(recursive=True):
                    if child.pid not in held:
                        child.send_signal(signal.SIGSTOP)
                        held[child.pid] = child
            done.wait(0.05)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    try:
        yield
    finally:
        done.set()
        holder.join()
        for child in held.values():
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_killed_workers_job_is_finished_elsewhere_and_a_late_worker_reruns_nothing(
        team: dict[str, Any], speech_path: Path, tmp_path: Path) -> None:
    api: LiveServer = team["api"]
    doomed = worker(team)
    with api.client() as http:
        folder = make_folder(http, make_project(http)["id"])["id"]
        take = upload(http, folder, "take", path=repeated_speech_wav(
            speech_path, 6, tmp_path / "take.wav"))
        wait_idle(team["url"])
        (conversion_id,) = order(http, take["id"], 1)
        deadline = time.monotonic() + 120
        while ok(http.get(f"/api/recordings/{conversion_id}"))["state"] != "processing":
            assert time.monotonic() < deadline, "the conversion never started"
            time.sleep(0.05)
        # The conversion's processes are held, so the job stays live however fast this machine
        # converts; the worker itself keeps renewing its lease. A worker starting now leaves
        # the live job alone, through several lease periods.
        with conversion_held(doomed):
            late = worker(team)
            time.sleep(2 * LEASE_S + 1)
            [(_, state, attempts, owner)] = job_rows(team["url"])
            assert (state, attempts, owner.split(":")[1]) == ("running", 1, str(doomed.pid))
            doomed.kill()
        killed_at = time.monotonic()
        # taken over by the other worker without any restart, within the bound
        wait_done(http, [conversion_id], timeout_s=TAKEOVER_BOUND_S + 120)
        elapsed_s = time.monotonic() - killed_at
        [(_, state, attempts, owner)] = job_rows(team["url"])
        assert (state, attempts, owner.split(":")[1]) == ("done", 2, str(late.pid))
        assert elapsed_s < TAKEOVER_BOUND_S + 120
        assert len(http.get(f"/api/recordings/{conversion_id}/file").content) > 10_000


def test_four_processes_starting_together_on_a_fresh_database_all_come_up(
        tmp_path: Path, postgres_cluster: PostgresCluster) -> None:
    url = postgres_cluster.fresh_database("fresh")
    data_dir = tmp_path / "data"
    servers = [LiveServer(data_dir=data_dir, database_url=url) for _ in range(2)]
    workers = [LiveWorker(data_dir=data_dir, database_url=url) for _ in range(2)]
    # `admin` and `worker` refuse a data dir with no database, so start them on a URL only.
    try:
        for w in workers:
            w.start(wait=False)
        for s in servers:  # each waits for /api/health in turn; all four start at once
            s.data_dir.mkdir(parents=True, exist_ok=True)
        import threading

        errors: list[BaseException] = []

        def boot(target: Any) -> None:
            try:
                target()
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=boot, args=(lambda s=s: s.start(timeout_s=120),))
                   for s in servers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        for w in workers:
            w.wait_ready()
            assert w.proc is not None and w.proc.poll() is None
        for s in servers:
            with s.client() as http:
                assert http.get("/api/credits").status_code == 200
    finally:
        for s in servers:
            s.stop()
        for w in workers:
            w.stop()
