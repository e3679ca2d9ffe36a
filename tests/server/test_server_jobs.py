"""The durable job runner on a real SQLite database and a real PostgreSQL: each job runs once,
results and `done` land together, failures retry then fail, cancels stop work, a dead worker's
jobs are taken over once their lease lapses (and only then), a stale worker lands nothing, and a
worker survives handlers and settlements that raise."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from voxbooth.server import jobs
from voxbooth.server.db import make_engine, make_session_factory, session_scope, utcnow
from voxbooth.server.migrate import upgrade
from voxbooth.server.models import CreditEntry, Job
from voxbooth.server.services import accounts


@pytest.fixture(params=["sqlite", "postgresql"])
def factory(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[sessionmaker[Session]]:
    url = f"sqlite:///{tmp_path / 'jobs.sqlite3'}" if request.param == "sqlite" \
        else request.getfixturevalue("postgres_cluster").fresh_database("jobs")
    engine = make_engine(url)
    upgrade(engine)
    made = make_session_factory(engine)
    jobs.install_wake_on_commit(made)
    yield made
    engine.dispose()


@pytest.fixture
def user_id(factory: sessionmaker[Session]) -> str:
    with session_scope(factory) as session:
        return accounts.create_user(session, "jobs@example.com", "", credits=0, is_local=True).id


def enqueue(factory: sessionmaker[Session], count: int, kind: str = "count",
            max_attempts: int = 3) -> list[str]:
    with session_scope(factory) as session:
        made = [jobs.enqueue(session, kind, {"n": i}, subject_id=f"subject-{i}",
                             max_attempts=max_attempts) for i in range(count)]
        session.flush()
        return [job.id for job in made]


def wait_until(predicate: Callable[[], bool], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("condition not reached")


def states(factory: sessionmaker[Session]) -> dict[str, str]:
    with factory() as session:
        return {row[0]: row[1] for row in session.execute(select(Job.id, Job.state))}


def entries(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory() as session:
        rows = session.execute(select(CreditEntry.reason, func.count()).group_by(
            CreditEntry.reason))
        return {row[0]: row[1] for row in rows}


def recording_handler(user_id: str) -> Callable[[jobs.JobContext], None]:
    def handle(ctx: jobs.JobContext) -> None:
        ctx.session.add(CreditEntry(user_id=user_id, delta=1, reason=ctx.job_id))
    return handle


def settled(factory: sessionmaker[Session]) -> bool:
    return all(s in ("done", "failed", "cancelled") for s in states(factory).values())


def test_every_job_runs_exactly_once_across_two_runners(factory: sessionmaker[Session],
                                                        user_id: str) -> None:
    ids = enqueue(factory, 40)
    runners = [jobs.JobRunner(factory, workers=2, poll_interval_s=0.05, retry_delay_s=0.1)
               for _ in range(2)]
    for runner in runners:
        runner.register("count", recording_handler(user_id))
        runner.start()
    try:
        wait_until(lambda: settled(factory))
    finally:
        for runner in runners:
            runner.stop()
    assert set(states(factory).values()) == {"done"}
    assert entries(factory) == {job_id: 1 for job_id in ids}  # each result written once


def test_failures_roll_back_retry_then_fail(factory: sessionmaker[Session],
                                            user_id: str) -> None:
    attempts: list[int] = []
    failed: list[tuple[str, str]] = []

    def flaky(ctx: jobs.JobContext) -> None:
        ctx.session.add(CreditEntry(user_id=user_id, delta=1, reason=f"partial-{ctx.attempt}"))
        attempts.append(ctx.attempt)
        if ctx.payload["n"] == 0:
            raise RuntimeError("disk on fire")
        if ctx.payload["n"] == 1:
            raise jobs.PermanentJobError("No voiced speech in the recording")
        if ctx.attempt < 2:
            raise OSError("transient")

    runner = jobs.JobRunner(factory, workers=1, poll_interval_s=0.05, retry_delay_s=0.1)
    runner.register("count", flaky, on_failed=lambda s, job, detail: failed.append(
        (job.payload["n"], detail)))
    ids = enqueue(factory, 3, max_attempts=3)
    runner.start()
    try:
        wait_until(lambda: settled(factory))
    finally:
        runner.stop()
    final = states(factory)
    assert [final[i] for i in ids] == ["failed", "failed", "done"]
    with factory() as session:
        errors = {job.payload["n"]: (job.error, job.attempts) for job in session.scalars(
            select(Job))}
    assert errors[0] == ("RuntimeError: disk on fire", 3)
    assert errors[1] == ("No voiced speech in the recording", 1)  # permanent: no retry
    assert errors[2][1] == 2
    assert sorted(failed) == [(0, "RuntimeError: disk on fire"),
                              (1, "No voiced speech in the recording")]
    # only the successful attempt's write survived
    assert entries(factory) == {"partial-2": 1}


def test_cancel_queued_and_running(factory: sessionmaker[Session]) -> None:
    started = threading.Event()
    cancelled_seen: list[str] = []

    def slow(ctx: jobs.JobContext) -> None:
        started.set()
        for _ in range(500):
            if ctx.cancelled():
                raise jobs.JobCancelled()
            ctx.progress(0.5, "halfway")
            time.sleep(0.01)

    runner = jobs.JobRunner(factory, workers=1, poll_interval_s=0.05, retry_delay_s=0.1)
    runner.register("count", slow, on_cancelled=lambda s, job: cancelled_seen.append(job.id))
    running_id, queued_id = enqueue(factory, 2)
    runner.start()
    try:
        assert started.wait(10)

        def progress_shown() -> bool:
            with factory() as session:
                job = session.get(Job, running_id)
                return job is not None and (job.progress, job.stage) == (0.5, "halfway")

        wait_until(progress_shown)  # visible to others while the job still runs
        with session_scope(factory) as session:
            assert jobs.cancel_subject(session, "subject-1") == 1  # queued: cancelled at once
            assert jobs.cancel_subject(session, "subject-0") == 1  # running: asked to stop
        wait_until(lambda: settled(factory))
    finally:
        runner.stop()
    assert states(factory) == {running_id: "cancelled", queued_id: "cancelled"}
    assert cancelled_seen == [running_id]


def test_crash_leftovers_resume_and_done_jobs_never_rerun(factory: sessionmaker[Session],
                                                          user_id: str) -> None:
    done_id, crashed_id, exhausted_id = enqueue(factory, 3)
    with session_scope(factory) as session:  # as a killed service leaves them
        session.execute(update(Job).where(Job.id == done_id).values(state="done"))
        session.execute(update(Job).where(Job.id == crashed_id)
                        .values(state="running", attempts=1))
        session.execute(update(Job).where(Job.id == exhausted_id)
                        .values(state="running", attempts=3))
    runner = jobs.JobRunner(factory, workers=1, poll_interval_s=0.05, retry_delay_s=0.1)
    runner.register("count", recording_handler(user_id))
    assert runner.recover() == 1
    runner.start()
    try:
        wait_until(lambda: settled(factory))
    finally:
        runner.stop()
    assert states(factory) == {done_id: "done", crashed_id: "done", exhausted_id: "failed"}
    assert entries(factory) == {crashed_id: 1}


def test_stopping_service_requeues_instead_of_cancelling(factory: sessionmaker[Session]) -> None:
    started = threading.Event()

    def polite(ctx: jobs.JobContext) -> None:
        started.set()
        while not ctx.cancelled():
            time.sleep(0.01)
        raise jobs.JobCancelled()

    runner = jobs.JobRunner(factory, workers=1, poll_interval_s=0.05, retry_delay_s=0.1)
    runner.register("count", polite)
    (job_id,) = enqueue(factory, 1)
    runner.start()
    assert started.wait(10)
    runner.stop()
    with factory() as session:
        job: Any = session.get(Job, job_id)
        assert (job.state, job.attempts) == ("queued", 0)


def test_blobs_of_dropped_results_go_and_replaced_blobs_go_only_when_done(
        factory: sessionmaker[Session], tmp_path: Path) -> None:
    from voxbooth.server.blobs import FileBlobStore

    blobs = FileBlobStore(tmp_path / "blobs")
    old_key = blobs.put_bytes(b"old peaks")
    fail = threading.Event()
    fail.set()
    stored: list[str] = []

    def handle(ctx: jobs.JobContext) -> None:
        stored.append(ctx.store_bytes(f"attempt {ctx.attempt}".encode()))
        ctx.delete_when_done(old_key)
        if fail.is_set():
            raise jobs.PermanentJobError("the results could not be written")

    runner = jobs.JobRunner(factory, workers=1, services={"blobs": blobs},
                            poll_interval_s=0.05, retry_delay_s=0.1)
    runner.register("store", handle)
    runner.start()
    try:
        [failed] = enqueue(factory, 1, kind="store")
        wait_until(lambda: states(factory)[failed] == "failed")
        # the failed attempt's blob is gone; the blob it meant to replace is still there
        assert not blobs.exists(stored[0]) and blobs.exists(old_key)
        fail.clear()
        [done] = enqueue(factory, 1, kind="store")
        wait_until(lambda: states(factory)[done] == "done")
        wait_until(lambda: not blobs.exists(old_key))
        assert blobs.exists(stored[1])
    finally:
        runner.stop()


def test_a_late_runner_leaves_live_jobs_alone_and_takes_over_a_dead_ones(
        factory: sessionmaker[Session], user_id: str) -> None:
    live_id, dead_id = enqueue(factory, 2)
    release = threading.Event()
    ran: list[tuple[str, str]] = []

    def hold(ctx: jobs.JobContext) -> None:
        ran.append(("first", ctx.job_id))
        release.wait(30)
        ctx.session.add(CreditEntry(user_id=user_id, delta=1, reason=ctx.job_id))

    first = jobs.JobRunner(factory, workers=1, poll_interval_s=0.05, lease_s=1.0)
    first.register("count", hold)
    first.start()
    try:
        wait_until(lambda: len(ran) == 1)
        # the other job was left `running` by a worker that died (its lease lapsed long ago)
        with session_scope(factory) as session:
            other = dead_id if ran[0][1] == live_id else live_id
            session.execute(update(Job).where(Job.id == other).values(
                state="running", attempts=1, lease_owner="dead-host:1:x",
                lease_expires_at=utcnow() - timedelta(seconds=5)))
        late = jobs.JobRunner(factory, workers=1, poll_interval_s=0.05, lease_s=1.0,
                              retry_delay_s=0.0)
        def takes_over(ctx: jobs.JobContext) -> None:
            ran.append(("late", ctx.job_id))
            recording_handler(user_id)(ctx)

        late.register("count", takes_over)
        assert late.recover() == 1  # the dead worker's job only
        late.start()
        try:
            wait_until(lambda: states(factory)[other] == "done")
            time.sleep(3.0)  # three lease periods: the first runner's heartbeats keep its own
            assert ("late", ran[0][1]) not in ran
            release.set()
            wait_until(lambda: settled(factory))
        finally:
            late.stop()
    finally:
        release.set()
        first.stop()
    assert sorted(ran) == sorted([("first", ran[0][1]), ("late", other)])
    assert entries(factory) == {live_id: 1, dead_id: 1}


def test_a_worker_whose_job_was_taken_over_lands_nothing(factory: sessionmaker[Session],
                                                         user_id: str) -> None:
    (job_id,) = enqueue(factory, 1)
    stalled = threading.Event()
    go_on = threading.Event()
    seen_cancelled: list[bool] = []

    def stalls(ctx: jobs.JobContext) -> None:
        ctx.session.add(CreditEntry(user_id=user_id, delta=1, reason=f"attempt-{ctx.attempt}"))
        if ctx.attempt == 1:
            stalled.set()
            go_on.wait(30)  # as if the machine froze: no heartbeats reach the database
            seen_cancelled.append(ctx.cancelled())

    runner = jobs.JobRunner(factory, workers=1, poll_interval_s=0.05, lease_s=60.0)
    runner.register("count", stalls)
    runner.start()
    try:
        assert stalled.wait(10)
        with session_scope(factory) as session:  # its lease lapses; another worker takes it
            session.execute(update(Job).where(Job.id == job_id).values(
                lease_expires_at=utcnow() - timedelta(seconds=1)))
        other = jobs.JobRunner(factory, workers=1, poll_interval_s=0.05, lease_s=60.0,
                               retry_delay_s=0.0)
        other.register("count", stalls)
        assert other.recover() == 1
        other.start()
        try:
            wait_until(lambda: states(factory)[job_id] == "done")
            go_on.set()
            wait_until(lambda: seen_cancelled == [True])  # the stale worker is told to stop
            time.sleep(0.5)
        finally:
            other.stop()
    finally:
        go_on.set()
        runner.stop()
    assert entries(factory) == {"attempt-2": 1}  # the stale attempt's write never landed
    with factory() as session:
        job: Any = session.get(Job, job_id)
        assert (job.state, job.attempts, job.lease_owner) == ("done", 2, other.owner)


def test_a_worker_survives_settlements_that_fail_and_resumes_when_they_work(
        factory: sessionmaker[Session], user_id: str) -> None:
    """As with a full disk: the failure cannot even be written for a while."""
    broken = threading.Event()
    broken.set()

    def on_failed(session: Session, job: Job, detail: str) -> None:
        if broken.is_set():
            raise OSError(28, "No space left on device")

    failing: list[str] = []

    def handler(ctx: jobs.JobContext) -> None:
        if ctx.job_id in failing:
            raise jobs.PermanentJobError("The original cannot be decoded")
        recording_handler(user_id)(ctx)

    runner = jobs.JobRunner(factory, workers=1, poll_interval_s=0.05, lease_s=1.0,
                            retry_delay_s=0.0)
    runner.register("count", handler, on_failed=on_failed)
    failing.append(enqueue(factory, 1)[0])
    enqueue(factory, 1)
    runner.start()
    try:
        time.sleep(3.0)
        assert states(factory)[failing[0]] == "running"  # its settlement keeps failing
        broken.clear()  # space is back
        wait_until(lambda: settled(factory), timeout_s=30)
        later = enqueue(factory, 1)  # the same worker threads still take new work
        wait_until(lambda: states(factory)[later[0]] == "done")
    finally:
        runner.stop()
    with factory() as session:
        job: Any = session.get(Job, failing[0])
    assert job.state == "failed" and job.error.startswith(("The original cannot be decoded",
                                                           "Interrupted too many times"))


def test_a_job_of_a_gone_process_on_this_machine_is_taken_back_at_once_on_sqlite(
        factory: sessionmaker[Session], user_id: str) -> None:
    """The embedded service killed and started again resumes its job now, not a lease later;
    on PostgreSQL (workers on many machines) only the lease decides."""
    gone = subprocess.Popen(["true"])
    gone.wait()  # a process of this machine that no longer exists
    (job_id,) = enqueue(factory, 1)
    with session_scope(factory) as session:
        session.execute(update(Job).where(Job.id == job_id).values(
            state="running", attempts=1, lease_owner=f"{socket.gethostname()}:{gone.pid}:ab",
            lease_expires_at=utcnow() + timedelta(seconds=60)))
    runner = jobs.JobRunner(factory, workers=1, poll_interval_s=0.05, retry_delay_s=0.0)
    runner.register("count", recording_handler(user_id))
    sqlite = factory.kw["bind"].dialect.name == "sqlite"
    assert runner.recover() == (1 if sqlite else 0)
    assert states(factory)[job_id] == ("queued" if sqlite else "running")
