"""The worker side: threads that claim leased jobs, run their handlers and settle them, and a
keeper thread that renews this runner's leases and takes back lapsed ones.

Workers survive anything: whatever a handler or a settlement raises (a bug, the database gone,
a full disk) fails or releases that one job and the thread goes on to the next poll. A job whose
settlement could not be written keeps its lease until the settlement is given up on, then the
lease lapses and any worker takes the job back once the database answers again: no restart.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from voxbooth.server.db import utcnow
from voxbooth.server.jobs import leases
from voxbooth.server.jobs.context import (
    CancelledHook,
    FailedHook,
    Handler,
    JobCancelled,
    JobContext,
    JobKind,
    PermanentJobError,
    ProgressHook,
)
from voxbooth.server.jobs.queue import CANCELLED, DONE, FAILED, QUEUED, WAKE, wake
from voxbooth.server.locks import lock_user
from voxbooth.server.models import Job

log = logging.getLogger("voxbooth.server.jobs")

_SETTLE_TRIES = 4


class JobRunner:
    """Claims queued jobs under a lease and runs them on `workers` threads."""

    engine_name = "in-process threads"

    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        workers: int = 2,
        services: dict[str, Any] | None = None,
        poll_interval_s: float = 0.5,
        retry_delay_s: float = 2.0,
        lease_s: float = 20.0,
    ) -> None:
        self._factory = factory
        self._workers = max(0, workers)
        self._services = services or {}
        self._poll_interval_s = poll_interval_s
        self._retry_delay_s = retry_delay_s
        self._lease_s = lease_s
        self._kinds: dict[str, JobKind] = {}
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self.owner = leases.worker_name()
        self._held: dict[str, int] = {}  # job id -> attempt, for jobs this runner is running
        self._lost: set[str] = set()  # held jobs another worker took over
        self._held_lock = threading.Lock()

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
        """Takes back running jobs whose lease lapsed (a killed worker's), now rather than at the
        keeper's next round; live leases are left alone. Returns how many were requeued."""
        return self._reap()

    def start(self) -> None:
        self._stop.clear()
        if self._workers == 0:
            return  # an API-only process: workers elsewhere run and keep the jobs
        for index in range(self._workers):
            self._spawn(self._work, f"voxbooth-job-{index}")
        self._spawn(self._keep, "voxbooth-job-keeper")
        wake()

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self, timeout_s: float = 10.0) -> None:
        """Asks handlers to stop; a job they give back is queued again for any worker."""
        self._stop.set()
        WAKE.set()
        for thread in self._threads:
            thread.join(timeout_s / max(1, len(self._threads)))
        self._threads.clear()

    def wait(self) -> None:
        """Blocks until `stop()` (a worker process's main thread)."""
        while not self._stop.wait(1.0):
            pass

    # keeper: heartbeats and take-overs ----------------------------------------------------

    def _keep(self) -> None:
        interval_s = max(0.2, self._lease_s / 4)
        while not self._stop.wait(interval_s):
            try:
                self._heartbeat()
                self._reap()
            except Exception:  # the database may be away for a while: try again next round
                log.warning("job leases not renewed this round", exc_info=True)

    def _heartbeat(self) -> None:
        with self._held_lock:
            held = dict(self._held)
        if not held:
            return
        with self._factory() as session:
            lost = leases.renew(session, self.owner, held, self._lease_s)
        if lost:
            with self._held_lock:
                self._lost |= lost & set(self._held)

    def _reap(self) -> int:
        requeued = 0
        with self._factory() as session:
            found = leases.lapsed(session)
            if session.get_bind().dialect.name == "sqlite":
                lapsed_ids = {job.job_id for job in found}
                found += [job for job in leases.gone_on_this_host(session)
                          if job.job_id not in lapsed_ids]
        for job in found:
            try:
                if job.exhausted:
                    self._fail_lapsed(job)
                else:
                    with self._factory.begin() as session:
                        if leases.requeue_lapsed(session, job):
                            requeued += 1
                            log.info("job %s (%s) taken over from %s", job.job_id, job.kind,
                                     job.owner or "a worker without a lease")
            except Exception:  # this one waits for the next round; the others go on
                log.warning("could not take back job %s", job.job_id, exc_info=True)
        if requeued:
            wake()
        return requeued

    def _fail_lapsed(self, job: leases.Lapsed) -> None:
        kind = self._kinds.get(job.kind)
        detail = f"Interrupted too many times ({job.attempt} attempts)"
        with self._factory.begin() as session:
            row = self._locked(session, job.job_id, leases.still_lapsed(job))
            if row is None:
                return
            row.state, row.error, row.finished_at = FAILED, detail, utcnow()
            row.lease_owner = row.lease_expires_at = None
            if kind is not None and kind.on_failed:
                kind.on_failed(session, row, detail)

    # workers ----------------------------------------------------------------------------

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                claim = self._claim()
            except Exception:
                log.warning("could not claim a job", exc_info=True)
                claim = None
            if claim is None:
                WAKE.wait(self._poll_interval_s)
                WAKE.clear()
                continue
            with self._held_lock:
                self._held[claim.job_id] = claim.attempt
            log.info("job %s attempt %d started", claim.job_id, claim.attempt)
            try:
                self._run(claim)
            except Exception:  # never let one job take the worker down
                log.exception("job %s could not be settled; its lease will lapse and any "
                              "worker takes it back", claim.job_id)
            finally:
                with self._held_lock:
                    self._held.pop(claim.job_id, None)
                    self._lost.discard(claim.job_id)

    def _claim(self) -> leases.Claim | None:
        with self._factory() as session:
            return leases.claim_next(session, self.owner, self._kinds, lease_s=self._lease_s,
                                     retry_delay_s=self._retry_delay_s)

    def _run(self, claim: leases.Claim) -> None:
        with self._factory() as session:
            job = session.get(Job, claim.job_id)
            if job is None:
                return
            kind = self._kinds[job.kind]
            ctx = JobContext(claim.job_id, job.kind, dict(job.payload), claim.attempt, session,
                             self._services, self)
            # An attempt whose results do not land loses the blobs it wrote before its state
            # says so: whoever reads "failed" or "cancelled" finds no leftovers of it.
            landed = False
            try:
                kind.handler(ctx)
                landed = self._finish(session, claim)
                if not landed and self._owns(claim):  # cancelled just before the commit
                    ctx._discard(ctx._written)
                    self._settle(self._settle_cancelled, claim, kind)
            except JobCancelled:
                session.rollback()
                ctx._discard(ctx._written)
                self._settle(self._settle_cancelled, claim, kind)
            except PermanentJobError as exc:
                session.rollback()
                ctx._discard(ctx._written)
                self._settle(self._settle_failed, claim, kind, str(exc) or "Job failed", False)
            except Exception as exc:
                session.rollback()
                log.exception("job %s (%s) failed", claim.job_id, ctx.kind)
                ctx._discard(ctx._written)
                self._settle(self._settle_failed, claim, kind, _describe(exc), True)
            finally:  # the blobs replaced go only once the results have landed
                ctx._discard(ctx._replaced if landed else ctx._written)

    def _finish(self, session: Session, claim: leases.Claim) -> bool:
        """Commits the handler's results with `done`, if this worker still owns the attempt
        and nobody asked to cancel it; False (nothing written) otherwise."""
        now = utcnow()
        result = session.execute(
            update(Job).where(*leases.owned(claim.job_id, self.owner, claim.attempt),
                              Job.cancel_requested.is_(False))
            .values(state=DONE, progress=1.0, finished_at=now, updated_at=now,
                    lease_expires_at=None)  # the owner stays: who ran it
        )
        if getattr(result, "rowcount", 0) != 1:
            session.rollback()
            return False
        session.commit()
        return True

    def _settle(self, settle: Callable[..., None], claim: leases.Claim, *args: Any) -> None:
        """Runs a settlement, trying again a few times (the database or disk may be full)."""
        for attempt in range(_SETTLE_TRIES):
            try:
                settle(claim, *args)
                return
            except Exception:
                if attempt == _SETTLE_TRIES - 1:
                    raise
                log.warning("settling job %s failed; trying again", claim.job_id,
                            exc_info=True)
                self._stop.wait(0.5 * 2 ** attempt)

    def _locked(self, session: Session, job_id: str,
                fence: list[ColumnElement[bool]]) -> Job | None:
        """The job row, locked for this settlement, if `fence` still holds; the owning user's
        row is locked first (every path that may refund takes locks in that order)."""
        user_id = session.scalar(select(Job.user_id).where(Job.id == job_id))
        if user_id:
            lock_user(session, user_id)
        return session.scalar(select(Job).where(*fence).with_for_update()
                              .execution_options(populate_existing=True))

    def _settle_cancelled(self, claim: leases.Claim, kind: JobKind) -> None:
        with self._factory.begin() as session:
            job = self._locked(session, claim.job_id,
                               leases.owned(claim.job_id, self.owner, claim.attempt))
            if job is None:
                return  # taken over: the new owner settles it
            job.updated_at, job.lease_owner, job.lease_expires_at = utcnow(), None, None
            if self.stopping and not job.cancel_requested:
                job.state = QUEUED  # shutting down, not cancelled: any worker resumes it
                job.attempts = max(0, job.attempts - 1)
                session.info["voxbooth_wake_jobs"] = True
                return
            job.state, job.finished_at = CANCELLED, utcnow()
            if kind.on_cancelled:
                kind.on_cancelled(session, job)

    def _settle_failed(self, claim: leases.Claim, kind: JobKind, detail: str,
                       retry: bool) -> None:
        with self._factory.begin() as session:
            job = self._locked(session, claim.job_id,
                               leases.owned(claim.job_id, self.owner, claim.attempt))
            if job is None:
                return
            job.error, job.updated_at = detail, utcnow()
            job.lease_owner = job.lease_expires_at = None
            if retry and job.attempts < job.max_attempts and not job.cancel_requested:
                job.state = QUEUED
                session.info["voxbooth_wake_jobs"] = True
                return
            job.state, job.finished_at = FAILED, utcnow()
            if kind.on_failed:
                kind.on_failed(session, job, detail)

    # what handlers call -----------------------------------------------------------------

    def record_progress(self, job_id: str, kind: str, attempt: int, fraction: float,
                        stage: str | None) -> None:
        fraction = min(1.0, max(0.0, float(fraction)))
        with self._factory() as session:
            sqlite = session.get_bind().dialect.name == "sqlite"
            try:
                # The handler's own pending write may hold SQLite's lock: give up quickly
                # rather than stall the handler for the whole busy timeout.
                _busy_timeout(session, 500 if sqlite else None)
                job = session.scalar(select(Job).where(
                    *leases.owned(job_id, self.owner, attempt)))
                if job is not None:
                    job.progress, job.stage, job.updated_at = fraction, stage, utcnow()
                    hook = self._kinds[kind].on_progress
                    if hook:
                        hook(session, job, fraction, stage)
                session.commit()
            except Exception:  # progress is a courtesy: never let it break the job
                session.rollback()
                log.warning("progress of job %s not recorded", job_id)
            finally:
                try:
                    _busy_timeout(session, 30000 if sqlite else None)
                except Exception:
                    log.debug("busy timeout not restored", exc_info=True)

    def should_stop(self, job_id: str, attempt: int) -> bool:
        """True when stopping, when the job was cancelled, or when another worker owns it."""
        if self.stopping:
            return True
        with self._held_lock:
            if job_id in self._lost:
                return True
        try:
            with self._factory() as session:
                row = session.execute(select(Job.cancel_requested, Job.state, Job.lease_owner,
                                             Job.attempts).where(Job.id == job_id)).first()
        except SQLAlchemyError:
            return False  # cannot tell: carry on, the final commit is fenced anyway
        return row is None or bool(row[0]) or row[1] == CANCELLED or row[2] != self.owner \
            or int(row[3]) != attempt

    def _owns(self, claim: leases.Claim) -> bool:
        with self._factory() as session:
            return session.scalar(select(Job.id).where(
                *leases.owned(claim.job_id, self.owner, claim.attempt))) is not None


def _busy_timeout(session: Session, timeout_ms: int | None) -> None:
    if timeout_ms is not None:
        session.connection().exec_driver_sql(f"PRAGMA busy_timeout={int(timeout_ms)}")


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
