"""The outbox relay: `jobs` rows, written in the transactions that make their work (an order,
an upload), are handed to procrastinate after they commit; and procrastinate's stalled-job
recovery, run in the same breath.

The `jobs` table stays the record of every job (state, progress, attempts, who ran it) and is
the outbox: a row that needs running and has no live procrastinate job (`todo` or `doing`) gets
one, whose `lock` and `queueing_lock` are the row's id, so procrastinate never runs two tasks of
one job at once and never queues two. That covers a new job, a failed attempt to retry (after
`retry_delay_s`), a job given back by a worker that stopped, and a running row whose task ended
without settling it (its settlement kept failing: after `orphan_after_s`, as a lease would).

Every process on PostgreSQL relays (API-only ones too: an order is handed over at once after its
commit). Relays take one transaction-scoped advisory lock, so two never read the same row as
needing a task; their work is a few milliseconds, so they simply queue on it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from procrastinate import App, SyncPsycopgConnector
from procrastinate.sql import queries
from sqlalchemy import text
from sqlalchemy.orm import Session

from voxbooth.server.db import utcnow
from voxbooth.server.jobs.queue import QUEUED, RUNNING

log = logging.getLogger("voxbooth.server.jobs")

TASK_NAME = "voxbooth.run_job"
QUEUE = "voxbooth"
# pg_advisory_xact_lock key of the relay: any fixed 64-bit number, not the migration's
RELAY_LOCK_KEY = 0x766F7872656C6179  # "voxrelay"
_BATCH = 200
KEEP_FINISHED_H = 7 * 24  # finished procrastinate jobs (one per attempt) are kept this long

_NEEDING_A_TASK = text(f"""
    SELECT j.id, j.state, j.attempts, j.created_at, j.updated_at FROM jobs j
     WHERE (j.state = '{QUEUED}'
            OR (j.state = '{RUNNING}' AND (j.updated_at IS NULL
                                            OR j.updated_at < :orphan_before)))
       AND NOT EXISTS (SELECT 1 FROM procrastinate_jobs p
                        WHERE p.lock = j.id AND p.status IN ('todo', 'doing'))
     ORDER BY j.created_at
     LIMIT {_BATCH}
""")


@dataclass(frozen=True)
class Relayed:
    deferred: int  # procrastinate jobs made for `jobs` rows
    recovered: int  # stalled procrastinate jobs (their worker silent) put back in the queue


class Relay:
    """Hands `jobs` rows to procrastinate, in the caller's transaction (sync, any thread)."""

    def __init__(self, *, retry_delay_s: float, orphan_after_s: float,
                 stalled_after_s: float) -> None:
        # Used only with the caller's connection (`connection=`): it never opens a pool.
        self._connector = SyncPsycopgConnector()
        self._app = App(connector=self._connector)
        self._retry_delay_s = retry_delay_s
        self._orphan_after_s = orphan_after_s
        self._stalled_after_s = stalled_after_s

    def run(self, session: Session, *, recover_stalled: bool = True,
            prune: bool = False) -> Relayed:
        """One pass, committed: stalled tasks back to the queue, then rows without a task get
        one; with `prune`, tasks finished more than `KEEP_FINISHED_H` ago go. Returns what it
        did."""
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": RELAY_LOCK_KEY})
        raw: Any = session.connection().connection.driver_connection
        if prune:
            raw.execute(queries["delete_old_jobs"], {
                "nb_hours": KEEP_FINISHED_H, "queue": QUEUE,
                "statuses": ["succeeded", "failed", "cancelled", "aborted"]})
        recovered = self._recover_stalled(session, raw) if recover_stalled else 0
        now = utcnow()
        rows = session.execute(_NEEDING_A_TASK, {
            "orphan_before": now - timedelta(seconds=self._orphan_after_s)}).all()
        deferred = 0
        for job_id, state, attempts, created_at, updated_at in rows:
            if self._defer(session, raw, str(job_id), self._start_at(
                    state, int(attempts), created_at, updated_at, now)):
                deferred += 1
        session.commit()
        if deferred or recovered:
            log.info("relayed %d job(s) to the task engine, recovered %d stalled", deferred,
                     recovered)
        return Relayed(deferred, recovered)

    def _start_at(self, state: str, attempts: int, created_at: datetime | None,
                  updated_at: datetime | None, now: datetime) -> datetime | None:
        """A retry waits `retry_delay_s` after the failure; a job queued with a `created_at`
        ahead (behind the work queued meanwhile, as transcripts are) waits until then;
        anything else runs now."""
        start = created_at
        if state == QUEUED and attempts > 0 and updated_at is not None:
            start = updated_at + timedelta(seconds=self._retry_delay_s)
        return start if start is not None and start > now else None

    def _defer(self, session: Session, raw: Any, job_id: str,
               start_at: datetime | None) -> bool:
        from procrastinate.exceptions import AlreadyEnqueued

        try:
            with session.begin_nested():  # a refusal must not abort the relay's transaction
                self._app.configure_task(
                    TASK_NAME, queue=QUEUE, lock=job_id, queueing_lock=job_id,
                    schedule_at=start_at, connection=raw).defer(job_id=job_id)
        except AlreadyEnqueued:
            return False
        return True

    def _recover_stalled(self, session: Session, raw: Any) -> int:
        """procrastinate's stalled-job recovery: the `doing` jobs of workers whose heartbeat is
        older than `stalled_after_s` (killed, or lost with their machine) go back to `todo`,
        for any live worker; the task then takes the `jobs` row over (its attempt counts)."""
        stalled = self._connector.execute_query_all_with_connection(
            raw, query=queries["select_stalled_jobs_by_heartbeat"], queue=QUEUE,
            task_name=None, seconds_since_heartbeat=self._stalled_after_s)
        recovered = 0
        for row in stalled:
            try:
                with session.begin_nested():
                    self._connector.execute_query_all_with_connection(
                        raw, query=queries["retry_job"], job_id=row["id"], retry_at=utcnow(),
                        new_priority=None, new_queue_name=None, new_lock=None)
                recovered += 1
                log.info("task %s of job %s stalled (its worker went silent); queued again",
                         row["id"], row["args"].get("job_id"))
            except Exception:  # it finished or moved meanwhile
                log.debug("stalled task %s not retried", row["id"], exc_info=True)
        return recovered
