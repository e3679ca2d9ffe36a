"""Job leases in the database: claim a queued job, renew the leases a worker holds, find and
take back the running jobs whose lease lapsed (their worker died or stalled).

Every statement is fenced on what the worker believes: a claim only takes a row still `queued`,
a renewal and a settlement only touch a row this worker still owns at the attempt it started,
and a take-over only takes a row whose lease is still lapsed when the UPDATE runs. On PostgreSQL
an UPDATE re-checks its WHERE against the newest row version, so these hold across processes
without any lock held between statements; on SQLite there is one writer at a time anyway.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from voxbooth.server.db import utcnow
from voxbooth.server.jobs.queue import QUEUED, RUNNING
from voxbooth.server.models import Job

log = logging.getLogger("voxbooth.server.jobs")


def worker_name() -> str:
    """Unique per runner, readable in the jobs table: host, pid and a random tail."""
    return f"{socket.gethostname()[:48]}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass(frozen=True)
class Claim:
    job_id: str
    attempt: int


def claim_next(session: Session, owner: str, kinds: Iterable[str], *, lease_s: float,
               retry_delay_s: float) -> Claim | None:
    """Takes the oldest runnable queued job of `kinds` for `owner`, committed; None if none."""
    kinds = list(kinds)
    if not kinds:
        return None
    # A job that failed (or was taken back) waits a little before its next attempt.
    retry_after = utcnow() - timedelta(seconds=retry_delay_s)
    postgres = session.get_bind().dialect.name == "postgresql"
    query = (select(Job.id, Job.attempts).where(
        Job.state == QUEUED, Job.kind.in_(kinds),
        or_(Job.attempts == 0, Job.updated_at.is_(None), Job.updated_at <= retry_after))
        .order_by(Job.created_at))
    # PostgreSQL: workers skip each other's candidates instead of racing for the same row.
    query = query.limit(1).with_for_update(skip_locked=True) if postgres else query.limit(8)
    for job_id, attempts in session.execute(query).all():
        now = utcnow()
        result = session.execute(
            update(Job).where(Job.id == job_id, Job.state == QUEUED)
            .values(state=RUNNING, attempts=Job.attempts + 1, started_at=now, updated_at=now,
                    error=None, lease_owner=owner,
                    lease_expires_at=now + timedelta(seconds=lease_s))
        )
        session.commit()
        if getattr(result, "rowcount", 0) == 1:
            return Claim(job_id, int(attempts) + 1)
    session.rollback()
    return None


def owned(job_id: str, owner: str, attempt: int) -> list[ColumnElement[bool]]:
    """The WHERE clauses that fence a statement on `owner` still running `attempt`."""
    return [Job.id == job_id, Job.state == RUNNING, Job.lease_owner == owner,
            Job.attempts == attempt]


def renew(session: Session, owner: str, held: dict[str, int], lease_s: float) -> set[str]:
    """Extends the leases `owner` holds; returns the ids among `held` it no longer owns."""
    if not held:
        return set()
    expires = utcnow() + timedelta(seconds=lease_s)
    lost: set[str] = set()
    for job_id, attempt in held.items():
        result = session.execute(update(Job).where(*owned(job_id, owner, attempt))
                                 .values(lease_expires_at=expires))
        if getattr(result, "rowcount", 0) != 1:
            lost.add(job_id)
    session.commit()
    return lost


@dataclass(frozen=True)
class Lapsed:
    job_id: str
    kind: str
    owner: str | None
    attempt: int
    exhausted: bool
    owner_gone: bool = False  # its process is known dead: no need to wait for the lease


def lapsed(session: Session, limit: int = 50) -> list[Lapsed]:
    """Running jobs whose lease has lapsed (or that never had one: a crash before leases)."""
    rows = session.execute(
        select(Job.id, Job.kind, Job.lease_owner, Job.attempts, Job.max_attempts).where(
            Job.state == RUNNING,
            or_(Job.lease_expires_at.is_(None), Job.lease_expires_at < utcnow()))
        .order_by(Job.created_at).limit(limit)
    ).all()
    return [Lapsed(r[0], r[1], r[2], int(r[3]), int(r[3]) >= int(r[4])) for r in rows]


def gone_on_this_host(session: Session, limit: int = 50) -> list[Lapsed]:
    """Running jobs with a live lease whose worker was a process of this machine that is gone
    (the embedded service killed and started again): taken back at once, not a lease later.
    Only for SQLite, whose processes share one machine; elsewhere leases alone decide."""
    host = socket.gethostname()[:48]
    rows = session.execute(
        select(Job.id, Job.kind, Job.lease_owner, Job.attempts, Job.max_attempts).where(
            Job.state == RUNNING, Job.lease_owner.like(f"{host}:%"))
        .order_by(Job.created_at).limit(limit)
    ).all()
    gone = []
    for job_id, kind, owner, attempts, max_attempts in rows:
        pid = str(owner).split(":")[1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            gone.append(Lapsed(job_id, kind, owner, int(attempts),
                               int(attempts) >= int(max_attempts), owner_gone=True))
    return gone


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def still_lapsed(job: Lapsed) -> list[ColumnElement[bool]]:
    """The WHERE clauses that fence a take-over on the lease being still lapsed (or on the
    same dead owner still holding it)."""
    owner = Job.lease_owner.is_(None) if job.owner is None else Job.lease_owner == job.owner
    fence = [Job.id == job.job_id, Job.state == RUNNING, Job.attempts == job.attempt, owner]
    if not job.owner_gone:
        fence.append(or_(Job.lease_expires_at.is_(None), Job.lease_expires_at < utcnow()))
    return fence


def requeue_lapsed(session: Session, job: Lapsed) -> bool:
    """Puts a lapsed job back in the queue (its attempt counts); True if this call did it."""
    now = utcnow()
    result = session.execute(
        update(Job).where(and_(*still_lapsed(job)))
        .values(state=QUEUED, lease_owner=None, lease_expires_at=None, updated_at=now,
                error="Its worker stopped answering; taken over")
    )
    return getattr(result, "rowcount", 0) == 1


def claim_for_task(session: Session, job_id: str, owner: str,
                   kinds: Iterable[str]) -> Claim | Lapsed | None:
    """Takes job `job_id` for `owner` when the task engine hands it over, committed.

    A queued job is claimed. A running one belongs to a worker the engine gave up on (the
    engine runs one task per job at a time, and handed this job to us, so the previous
    attempt's task is gone: its worker died, stalled or could not settle): it is taken over,
    its attempt counting, or returned as exhausted (`Lapsed`) for the caller to fail once its
    attempts are used up. Anything else (done, failed, cancelled, gone) gives None."""
    row = session.execute(
        select(Job.kind, Job.state, Job.lease_owner, Job.attempts, Job.max_attempts)
        .where(Job.id == job_id)).first()
    session.rollback()
    if row is None or row[0] not in set(kinds) or row[1] not in (QUEUED, RUNNING):
        return None
    kind, state, previous, attempts, max_attempts = row[0], row[1], row[2], int(row[3]), \
        int(row[4])
    if state == RUNNING and attempts >= max_attempts:
        return Lapsed(job_id, kind, previous, attempts, True, owner_gone=True)
    seen = Job.lease_owner.is_(None) if previous is None else Job.lease_owner == previous
    now = utcnow()
    result = session.execute(
        update(Job).where(Job.id == job_id, Job.state == state, Job.attempts == attempts, seen)
        .values(state=RUNNING, attempts=Job.attempts + 1, started_at=now, updated_at=now,
                error=None, lease_owner=owner, lease_expires_at=None)
    )
    session.commit()
    if getattr(result, "rowcount", 0) != 1:
        return None  # it moved meanwhile (cancelled, or another worker's): not ours
    if state == RUNNING:
        log.info("job %s (%s) taken over from %s", job_id, kind,
                 previous or "a worker without a lease")
    return Claim(job_id, attempts + 1)
