"""A durable job runner: jobs are rows, one small in-process pool of worker threads runs them.

Enqueue in the same transaction as the rows the job works on, so either both exist or neither::

    from voxbooth.server import jobs
    jobs.enqueue(session, "convert", {"recording_id": rec.id}, subject_id=rec.id, user_id=uid)
    session.commit()          # the workers are woken after the commit

Register a handler for a kind before the runner starts (see `app.JOB_HANDLERS` / `install`)::

    def convert(ctx: jobs.JobContext) -> None:
        rec = ctx.session.get(Recording, ctx.payload["recording_id"])
        ...heavy work, calling ctx.progress(0.4, "synthesis") and checking ctx.cancelled()...
        rec.blob_key = ctx.store_file(out_path)   # write results into ctx.session
        rec.state = "done"

    runner.register("convert", convert, on_failed=mark_error, on_progress=show_progress)

The handler interface:
- `ctx.session` is the handler's own SQLAlchemy session. Do not commit it: when the handler
  returns, the runner marks the job `done` in that same session and commits once, so a job's
  result and its `done` state land together (a crash before that commit re-runs the job; a job
  whose commit landed is never run again). Do the heavy work first and write rows at the end:
  on SQLite a pending write holds the database lock while the handler runs.
- `ctx.payload` (dict), `ctx.job_id`, `ctx.kind`, `ctx.attempt` (1-based), `ctx.services`
  (whatever the app passed to the runner: settings, blob store...; `ctx.blobs` shortcut).
- `ctx.store_file(path)` / `ctx.store_bytes(data)` put a result into the blob store and return
  its key; the runner deletes those blobs again when the results do not land (failure, cancel).
  `ctx.delete_when_done(old_key)` deletes a blob being replaced only once they have landed.
- `ctx.progress(fraction, stage)` records progress in its own short transaction at once (so
  clients see it) and calls the kind's `on_progress(session, job, fraction, stage)` hook in that
  transaction; it never raises.
- `ctx.cancelled()` is True once the job was cancelled (`cancel_subject`) or the
  service is stopping; a handler that sees it should `raise JobCancelled()` promptly.
- Raise `JobCancelled` to stop (state `cancelled`, or back to `queued` when the service is
  stopping), `PermanentJobError(detail)` to fail without retry, any other exception to fail
  this attempt (retried after `retry_delay_s` until `max_attempts`). When the job finally
  fails, `on_failed(session, job, detail)` runs in the transaction that marks it failed;
  `on_cancelled(session, job)` likewise.

At start-up `recover()` puts jobs left `running` by a crash back to `queued` (or `failed` once they
have used all their attempts). One runner per database: a shared deployment with several service
processes would replace this module by a real task queue behind the same `enqueue`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from voxbooth.server.db import utcnow
from voxbooth.server.models import Job

log = logging.getLogger("voxbooth.server.jobs")

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
_WAKE = threading.Event()  # set after a commit that queued work; every runner in the process polls


class JobCancelled(Exception):
    """Raised by a handler that saw `ctx.cancelled()`."""


class PermanentJobError(Exception):
    """A failure that another attempt cannot fix (bad input); the detail is shown to the user."""


Handler = Callable[["JobContext"], None]
ProgressHook = Callable[[Session, Job, float, str | None], None]
FailedHook = Callable[[Session, Job, str], None]
CancelledHook = Callable[[Session, Job], None]


@dataclass
class JobKind:
    handler: Handler
    on_progress: ProgressHook | None = None
    on_failed: FailedHook | None = None
    on_cancelled: CancelledHook | None = None


@dataclass
class JobContext:
    job_id: str
    kind: str
    payload: dict[str, Any]
    attempt: int
    session: Session
    services: dict[str, Any]
    _runner: JobRunner = field(repr=False)

    # Blobs this attempt wrote, and old blobs it replaces: the runner deletes the first if the
    # attempt's results are not committed, and the second only once they are.
    _written: list[str] = field(default_factory=list, repr=False)
    _replaced: list[str] = field(default_factory=list, repr=False)

    @property
    def blobs(self) -> Any:
        return self.services.get("blobs")

    def store_file(self, path: Path) -> str:
        """Moves `path` into the blob store; the blob goes again unless the job's results land."""
        key: str = self.blobs.put_file(path)
        self._written.append(key)
        return key

    def store_bytes(self, data: bytes) -> str:
        """`store_file` for bytes in memory."""
        key: str = self.blobs.put_bytes(data)
        self._written.append(key)
        return key

    def delete_when_done(self, key: str | None) -> None:
        """Deletes blob `key` once the job's results are committed (it is being replaced)."""
        if key:
            self._replaced.append(key)

    def _discard(self, keys: list[str]) -> None:
        for key in keys:
            try:
                self.blobs.delete(key)
            except Exception:  # a leftover blob is better than a job that cannot settle
                log.exception("could not delete blob %s", key)
        keys.clear()

    def progress(self, fraction: float, stage: str | None = None) -> None:
        self._runner.record_progress(self.job_id, self.kind, fraction, stage)

    def cancelled(self) -> bool:
        return self._runner.stopping or self._runner.cancel_requested(self.job_id)


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    subject_id: str | None = None,
    user_id: str | None = None,
    max_attempts: int = 3,
) -> Job:
    """Adds a queued job to `session`; it runs once the caller commits."""
    job = Job(kind=kind, payload=payload, state=QUEUED, subject_id=subject_id,
              user_id=user_id, max_attempts=max_attempts, created_at=utcnow())
    session.add(job)
    session.info["voxbooth_wake_jobs"] = True
    return job


def wake() -> None:
    _WAKE.set()


def cancel_subject(session: Session, subject_id: str) -> int:
    """Cancels the queued jobs on `subject_id` and asks running ones to stop. Returns how many."""
    now = utcnow()
    queued = session.execute(
        update(Job).where(Job.subject_id == subject_id, Job.state == QUEUED)
        .values(state=CANCELLED, finished_at=now, updated_at=now)
    )
    running = session.execute(
        update(Job).where(Job.subject_id == subject_id, Job.state == RUNNING)
        .values(cancel_requested=True, updated_at=now)
    )
    return int(getattr(queued, "rowcount", 0)) + int(getattr(running, "rowcount", 0))


def install_wake_on_commit(factory: sessionmaker[Session]) -> None:
    """Wakes the workers after any commit of a session that enqueued something."""
    from sqlalchemy import event

    @event.listens_for(factory, "after_commit")
    def _after_commit(session: Session) -> None:
        if session.info.pop("voxbooth_wake_jobs", False):
            wake()


class JobRunner:
    """Claims queued jobs atomically and runs them on `workers` threads."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        workers: int = 2,
        services: dict[str, Any] | None = None,
        poll_interval_s: float = 0.5,
        retry_delay_s: float = 2.0,
    ) -> None:
        self._factory = factory
        self._workers = max(0, workers)
        self._services = services or {}
        self._poll_interval_s = poll_interval_s
        self._retry_delay_s = retry_delay_s
        self._kinds: dict[str, JobKind] = {}
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def register(
        self,
        kind: str,
        handler: Handler,
        *,
        on_progress: ProgressHook | None = None,
        on_failed: FailedHook | None = None,
        on_cancelled: CancelledHook | None = None,
    ) -> None:
        self._kinds[kind] = JobKind(handler, on_progress, on_failed, on_cancelled)

    def recover(self) -> int:
        """Jobs a crash left `running` go back to the queue. Returns how many were requeued."""
        now = utcnow()
        with self._factory.begin() as session:
            session.execute(
                update(Job).where(Job.state == RUNNING, Job.attempts >= Job.max_attempts)
                .values(state=FAILED, error="Interrupted too many times", finished_at=now)
            )
            result = session.execute(
                update(Job).where(Job.state == RUNNING).values(state=QUEUED, updated_at=now)
            )
        return int(getattr(result, "rowcount", 0))

    def start(self) -> None:
        self._stop.clear()
        for index in range(self._workers):
            thread = threading.Thread(target=self._work, name=f"voxbooth-job-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)
        wake()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Asks handlers to stop; a job still running afterwards is resumed at the next start."""
        self._stop.set()
        _WAKE.set()
        for thread in self._threads:
            thread.join(timeout_s / max(1, len(self._threads)))
        self._threads.clear()

    # worker side ---------------------------------------------------------------------------

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                job_id = self._claim()
            except SQLAlchemyError:
                log.exception("could not claim a job")
                job_id = None
            if job_id is None:
                _WAKE.wait(self._poll_interval_s)
                _WAKE.clear()
                continue
            self._run(job_id)

    def _claim(self) -> str | None:
        kinds = list(self._kinds)
        if not kinds:
            return None
        # A job that failed (or was interrupted) waits a little before its next attempt.
        retry_after = utcnow() - timedelta(seconds=self._retry_delay_s)
        with self._factory() as session:
            candidates = session.scalars(
                select(Job.id).where(
                    Job.state == QUEUED, Job.kind.in_(kinds),
                    or_(Job.attempts == 0, Job.updated_at.is_(None),
                        Job.updated_at <= retry_after))
                .order_by(Job.created_at).limit(8)
            ).all()
            for job_id in candidates:
                # The state test in the WHERE makes the claim atomic across threads/processes.
                result = session.execute(
                    update(Job).where(Job.id == job_id, Job.state == QUEUED)
                    .values(state=RUNNING, attempts=Job.attempts + 1, started_at=utcnow(),
                            updated_at=utcnow(), error=None)
                )
                session.commit()
                if getattr(result, "rowcount", 0) == 1:
                    return job_id
        return None

    def _run(self, job_id: str) -> None:
        with self._factory() as session:
            job = session.get(Job, job_id)
            if job is None:
                return
            kind = self._kinds[job.kind]
            ctx = JobContext(job_id, job.kind, dict(job.payload), job.attempts, session,
                             self._services, self)
            landed = False
            try:
                kind.handler(ctx)
                landed = self._finish(session, job_id)
            except JobCancelled:
                session.rollback()
                self._settle_cancelled(job_id, kind)
            except PermanentJobError as exc:
                session.rollback()
                self._settle_failed(job_id, kind, str(exc) or "Job failed", retry=False)
            except Exception as exc:
                session.rollback()
                log.exception("job %s (%s) failed", job_id, ctx.kind)
                self._settle_failed(job_id, kind, _describe(exc), retry=True)
            finally:
                ctx._discard(ctx._replaced if landed else ctx._written)

    def _finish(self, session: Session, job_id: str) -> bool:
        """Commits the handler's results with the `done` state; False if they were dropped."""
        now = utcnow()
        result = session.execute(
            update(Job).where(Job.id == job_id, Job.state == RUNNING)
            .values(state=DONE, progress=1.0, finished_at=now, updated_at=now)
        )
        if getattr(result, "rowcount", 0) != 1:  # cancelled meanwhile: drop the results
            session.rollback()
            return False
        session.commit()
        return True

    def _settle_cancelled(self, job_id: str, kind: JobKind) -> None:
        with self._factory.begin() as session:
            job = session.get(Job, job_id)
            if job is None:
                return
            job.updated_at = utcnow()
            if self.stopping and not job.cancel_requested:
                job.state = QUEUED  # shutting down, not cancelled: resume at the next start
                job.attempts = max(0, job.attempts - 1)
                return
            job.state, job.finished_at = CANCELLED, utcnow()
            if kind.on_cancelled:
                kind.on_cancelled(session, job)

    def _settle_failed(self, job_id: str, kind: JobKind, detail: str, *, retry: bool) -> None:
        with self._factory.begin() as session:
            job = session.get(Job, job_id)
            if job is None:
                return
            job.error, job.updated_at = detail, utcnow()
            if retry and job.attempts < job.max_attempts and not job.cancel_requested:
                job.state = QUEUED
                session.info["voxbooth_wake_jobs"] = True
                return
            job.state, job.finished_at = FAILED, utcnow()
            if kind.on_failed:
                kind.on_failed(session, job, detail)

    def record_progress(self, job_id: str, kind: str, fraction: float, stage: str | None) -> None:
        fraction = min(1.0, max(0.0, float(fraction)))
        with self._factory() as session:
            sqlite = session.get_bind().dialect.name == "sqlite"
            try:
                # The handler's own pending write may hold SQLite's lock: give up quickly
                # rather than stall the handler for the whole busy timeout.
                _busy_timeout(session, 500 if sqlite else None)
                job = session.get(Job, job_id)
                if job is not None:
                    job.progress, job.stage, job.updated_at = fraction, stage, utcnow()
                    hook = self._kinds[kind].on_progress
                    if hook:
                        hook(session, job, fraction, stage)
                session.commit()
            except SQLAlchemyError:  # progress is a courtesy: never let it break the job
                session.rollback()
                log.warning("progress of job %s not recorded", job_id)
            finally:
                _busy_timeout(session, 30000 if sqlite else None)

    def cancel_requested(self, job_id: str) -> bool:
        with self._factory() as session:
            row = session.execute(
                select(Job.cancel_requested, Job.state).where(Job.id == job_id)
            ).first()
        return row is None or bool(row[0]) or row[1] == CANCELLED


def _busy_timeout(session: Session, timeout_ms: int | None) -> None:
    if timeout_ms is not None:
        session.connection().exec_driver_sql(f"PRAGMA busy_timeout={int(timeout_ms)}")


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
