"""On PostgreSQL jobs run on procrastinate: each `jobs` row is handed to procrastinate by the
outbox relay once (relaying again defers nothing), procrastinate's workers run it (its
`procrastinate_jobs` row ends `succeeded`), a queued job cancelled before its turn never runs,
a silent worker's task is recovered through procrastinate's heartbeats and its job taken over,
and a stopping worker's job runs on another. On a team server, a conversion deleted while
queued is refunded and its job cancelled before any worker sees it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from tests.server.helpers import make_folder, make_project, ok, upload
from tests.support.postgres import PostgresCluster
from tests.support.server import LiveServer
from voxbooth.server import jobs
from voxbooth.server.db import make_engine, make_session_factory, session_scope
from voxbooth.server.jobs.engine import TaskEngineRunner
from voxbooth.server.migrate import upgrade
from voxbooth.server.models import CreditEntry, Job
from voxbooth.server.services import accounts

ELENA = "54f14355-addb-56c4-87fd-50e71757bf3d"


@pytest.fixture
def database(postgres_cluster: PostgresCluster) -> Iterator[tuple[str, sessionmaker[Session]]]:
    url = postgres_cluster.fresh_database("engine")
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    jobs.install_wake_on_commit(factory)
    yield url, factory
    engine.dispose()


@pytest.fixture
def user_id(database: tuple[str, sessionmaker[Session]]) -> str:
    with session_scope(database[1]) as session:
        return accounts.create_user(session, "engine@example.com", "", credits=0,
                                    is_local=True).id


def runner(database: tuple[str, sessionmaker[Session]], handler: Callable[..., None],
           **options: Any) -> TaskEngineRunner:
    on_failed = options.pop("on_failed", None)
    made = TaskEngineRunner(database[1], database_url=database[0], **options)
    made.register("count", handler, on_failed=on_failed)
    return made


def enqueue(factory: sessionmaker[Session], count: int) -> list[str]:
    with session_scope(factory) as session:
        made = [jobs.enqueue(session, "count", {"n": i}, subject_id=f"subject-{i}")
                for i in range(count)]
        session.flush()
        return [job.id for job in made]


def tasks(factory: sessionmaker[Session]) -> dict[str, list[tuple[str, int]]]:
    """procrastinate's jobs per `jobs` id: (status, attempts) in the order they were made."""
    with factory() as session:
        rows = session.execute(text("SELECT lock, status, attempts FROM procrastinate_jobs"
                                    " ORDER BY id")).all()
    found: dict[str, list[tuple[str, int]]] = {}
    for lock, status, attempts in rows:
        found.setdefault(lock, []).append((status, attempts))
    return found


def rows(factory: sessionmaker[Session]) -> dict[str, tuple[str, int, str | None]]:
    with factory() as session:
        return {r[0]: (r[1], r[2], r[3]) for r in session.execute(
            select(Job.id, Job.state, Job.attempts, Job.lease_owner))}


def wait_until(predicate: Callable[[], bool], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached")


def recording(user_id: str, ran: list[str]) -> Callable[[jobs.JobContext], None]:
    def handle(ctx: jobs.JobContext) -> None:
        ran.append(ctx.job_id)
        ctx.session.add(CreditEntry(user_id=user_id, delta=1, reason=ctx.job_id))
    return handle


def test_jobs_run_as_procrastinate_tasks_relayed_once(
        database: tuple[str, sessionmaker[Session]], user_id: str) -> None:
    factory = database[1]
    ids = enqueue(factory, 6)
    ran: list[str] = []
    first = runner(database, recording(user_id, ran), workers=2)
    second = runner(database, recording(user_id, ran), workers=1)
    deferred: list[int] = []
    relays = [threading.Thread(target=lambda r=r: deferred.append(r.relay_once().deferred))
              for r in (first, second, first, second)]  # relays of several processes at once
    for relay in relays:
        relay.start()
    for relay in relays:
        relay.join()
    assert sorted(deferred) == [0, 0, 0, 6]
    assert first.relay_once().deferred == 0
    assert tasks(factory) == {job_id: [("todo", 0)] for job_id in ids}
    for made in (first, second):
        made.start()
    try:
        wait_until(lambda: {s for s, _, _ in rows(factory).values()} == {"done"})
        # the tasks end a moment after the rows they settle
        wait_until(lambda: tasks(factory) == {i: [("succeeded", 1)] for i in ids})
    finally:
        for made in (first, second):
            made.stop()
    assert sorted(ran) == sorted(ids)  # each handler ran once
    with factory() as session:
        counted = dict(session.execute(select(CreditEntry.reason, func.count())
                                       .group_by(CreditEntry.reason)).all())
    assert counted == {job_id: 1 for job_id in ids}
    assert {owner for _, _, owner in rows(factory).values()} <= {first.owner, second.owner}


def test_a_job_cancelled_while_queued_never_runs_and_its_task_ends(
        database: tuple[str, sessionmaker[Session]], user_id: str) -> None:
    factory = database[1]
    kept, cancelled = enqueue(factory, 2)
    ran: list[str] = []
    engine = runner(database, recording(user_id, ran), workers=1)
    assert engine.relay_once().deferred == 2
    with session_scope(factory) as session:
        assert jobs.cancel_subject(session, "subject-1") == 1
    engine.start()
    try:
        wait_until(lambda: tasks(factory) == {kept: [("succeeded", 1)],
                                              cancelled: [("succeeded", 1)]})
    finally:
        engine.stop()
    assert ran == [kept]
    assert rows(factory)[cancelled][:2] == ("cancelled", 0)


def test_a_silent_workers_task_is_recovered_and_its_job_taken_over(
        database: tuple[str, sessionmaker[Session]], user_id: str) -> None:
    """As `kill -9` leaves it: procrastinate's task `doing` on a worker whose heartbeat stopped,
    the job `running` under that worker's name. One job has attempts left, one has none."""
    factory = database[1]
    resumed, exhausted = enqueue(factory, 2)
    failed: list[tuple[str, str]] = []
    ran: list[str] = []
    engine = runner(database, recording(user_id, ran), workers=1, lease_s=2.0,
                    on_failed=lambda s, job, detail: failed.append((job.id, detail)))
    engine.relay_once()
    with session_scope(factory) as session:
        dead = session.execute(text("SELECT procrastinate_register_worker_v1()")).scalar_one()
        session.execute(text("UPDATE procrastinate_jobs SET status = 'doing', worker_id = :w"),
                        {"w": dead})
        session.execute(text("UPDATE procrastinate_workers SET last_heartbeat = now()"
                             " - interval '1 hour' WHERE id = :w"), {"w": dead})
        for job_id, attempts in ((resumed, 1), (exhausted, 3)):
            session.execute(update(Job).where(Job.id == job_id).values(
                state="running", attempts=attempts, lease_owner="dead-host:1:ab"))
    engine.start()
    try:
        wait_until(lambda: rows(factory)[resumed][0] == "done"
                   and rows(factory)[exhausted][0] == "failed")
        wait_until(lambda: tasks(factory) == {resumed: [("succeeded", 2)],
                                              exhausted: [("succeeded", 2)]})
    finally:
        engine.stop()
    assert rows(factory)[resumed] == ("done", 2, engine.owner)
    assert ran == [resumed]
    assert failed == [(exhausted, "Interrupted too many times (3 attempts)")]


def test_a_stopping_worker_gives_its_job_to_another(
        database: tuple[str, sessionmaker[Session]], user_id: str) -> None:
    factory = database[1]
    started = threading.Event()
    ran: list[tuple[str, int]] = []

    def polite(ctx: jobs.JobContext) -> None:
        ran.append((ctx.job_id, ctx.attempt))
        started.set()
        while not ctx.cancelled():
            time.sleep(0.02)
        raise jobs.JobCancelled()

    (job_id,) = enqueue(factory, 1)
    leaving = runner(database, polite, workers=1)
    leaving.start()
    other = runner(database, recording(user_id, []), workers=1)
    try:
        assert started.wait(20)
        other.start()
        leaving.stop()
        assert rows(factory)[job_id][:2] in (("queued", 0), ("running", 1), ("done", 1))
        wait_until(lambda: rows(factory)[job_id][0] == "done")
    finally:
        other.stop()
        leaving.stop()
    assert rows(factory)[job_id] == ("done", 1, other.owner)  # the give-back did not count
    assert ran == [(job_id, 1)]
    assert [status for status, _ in tasks(factory)[job_id]] == ["succeeded", "succeeded"]


def test_a_conversion_deleted_while_queued_is_refunded_before_any_worker_sees_it(
        tmp_path: Path, postgres_cluster: PostgresCluster) -> None:
    """An API-only team server with no worker yet: the order's task waits in procrastinate."""
    url = postgres_cluster.fresh_database("queued")
    api = LiveServer(data_dir=tmp_path / "data", database_url=url,
                     serve_args=["--no-workers"]).start()
    engine = make_engine(url)
    try:
        with api.client() as http:
            take = upload(http, make_folder(http, make_project(http)["id"])["id"])
            before = ok(http.get("/api/credits"))["credits"]
            (conversion,) = ok(http.post("/api/v2/orders", json={
                "original_id": take["id"], "conversions": [{"voice_id": ELENA}]}), 201)
            assert ok(http.get("/api/credits"))["credits"] < before

            def task_status() -> list[Any]:
                with engine.connect() as conn:
                    return list(conn.execute(text(
                        "SELECT j.state, p.status FROM jobs j JOIN procrastinate_jobs p"
                        " ON p.lock = j.id WHERE j.subject_id = :id"),
                        {"id": conversion["id"]}).all())

            wait_until(lambda: task_status() == [("queued", "todo")], timeout_s=10)
            assert http.delete(f"/api/recordings/{conversion['id']}").status_code in (200, 204)
            assert ok(http.get("/api/credits"))["credits"] == before
            assert task_status() == [("cancelled", "todo")]  # a worker's task ends at once
    finally:
        engine.dispose()
        api.stop()
