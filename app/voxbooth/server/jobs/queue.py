"""The producer's side: queue a job with its rows, cancel the jobs of a deleted subject."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, sessionmaker

from voxbooth.server.db import utcnow
from voxbooth.server.locks import lock_user
from voxbooth.server.models import Job

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
WAKE = threading.Event()  # set after a commit that queued work; this process's runners poll it


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    subject_id: str | None = None,
    user_id: str | None = None,
    max_attempts: int = 3,
) -> Job:
    """Adds a queued job to `session`; it runs once the caller commits (and never if not)."""
    job = Job(kind=kind, payload=payload, state=QUEUED, subject_id=subject_id,
              user_id=user_id, max_attempts=max_attempts, created_at=utcnow())
    session.add(job)
    session.info["voxbooth_wake_jobs"] = True
    return job


def wake() -> None:
    WAKE.set()


def cancel_subject(session: Session, subject_id: str) -> int:
    """Cancels the queued jobs on `subject_id` and asks running ones to stop (wherever they
    run: their workers see `cancel_requested` at their next check). Returns how many."""
    # Users' rows before job rows, as every settlement does (voxbooth.server.locks).
    owners = session.scalars(select(Job.user_id).where(
        Job.subject_id == subject_id, Job.state.in_((QUEUED, RUNNING)),
        Job.user_id.is_not(None)).distinct()).all()
    for user_id in sorted(owner for owner in owners if owner):
        lock_user(session, user_id)
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
    """Wakes this process's workers after any commit of a session that enqueued something
    (workers of other processes find it at their next poll)."""

    @event.listens_for(factory, "after_commit")
    def _after_commit(session: Session) -> None:
        if session.info.pop("voxbooth_wake_jobs", False):
            wake()
