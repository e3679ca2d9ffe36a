"""Durable jobs: rows in the `jobs` table, run by leased workers in any number of processes.

Enqueue in the same transaction as the rows the job works on, so either both exist or neither::

    from voxbooth.server import jobs
    jobs.enqueue(session, "convert", {"recording_id": rec.id}, subject_id=rec.id, user_id=uid)
    session.commit()          # the workers of this process are woken after the commit

Register a handler for a kind before the runner starts (see `runtime.JOB_MODULES`)::

    def convert(ctx: jobs.JobContext) -> None:
        rec = ctx.session.get(Recording, ctx.payload["recording_id"])
        ...heavy work, calling ctx.progress(0.4, "synthesis") and checking ctx.cancelled()...
        rec.blob_key = ctx.store_file(out_path)   # write results into ctx.session
        rec.state = "done"

    runner.register("convert", convert, on_failed=mark_error, on_progress=show_progress)

The handler interface (`JobContext`, see `context.py`):
- `ctx.session` is the handler's own SQLAlchemy session. Do not commit it: when the handler
  returns, the runner marks the job `done` in that same session and commits once, so a job's
  result and its `done` state land together. That commit is fenced on the job's lease: it lands
  only while this worker still holds the attempt it started, so a worker whose job was taken
  over (it stalled, its lease lapsed) can never land a second result.
- `ctx.payload`, `ctx.job_id`, `ctx.kind`, `ctx.attempt` (1-based), `ctx.services` (settings,
  blob store...; `ctx.blobs` shortcut).
- `ctx.store_file(path)` / `ctx.store_bytes(data)` put a result into the blob store and return
  its key; the runner deletes those blobs again when the results do not land.
  `ctx.delete_when_done(old_key)` deletes a blob being replaced only once they have landed.
- `ctx.progress(fraction, stage)` records progress in its own short transaction (and calls the
  kind's `on_progress(session, job, fraction, stage)` hook there); it never raises.
- `ctx.cancelled()` is True once the job was cancelled (`cancel_subject`), taken over by another
  worker, or the process is stopping; a handler that sees it should `raise JobCancelled()`.
- Raise `JobCancelled` to stop, `PermanentJobError(detail)` to fail without retry, any other
  exception to fail this attempt (retried after `retry_delay_s` until `max_attempts`). When the
  job finally fails `on_failed(session, job, detail)` runs in the transaction that marks it
  failed; `on_cancelled(session, job)` likewise.

Two runners, one interface (`JobRunner`: register, start, stop, wait, recover):
- `JobRunner` (`runner.py`, the embedded service on SQLite): worker threads claim queued rows
  under a lease (`leases.py`) that a keeper thread renews; a job left `running` by a killed
  worker is taken back by any live worker once its lease lapses (on SQLite, whose processes
  share one machine, at once when its worker process is gone), and a worker that starts late
  leaves running jobs with a live lease alone.
- `TaskEngineRunner` (`engine.py`, any service on PostgreSQL): procrastinate runs the jobs. The
  `jobs` rows are the outbox a relay (`relay.py`) hands to procrastinate after they commit; its
  workers' heartbeats find a killed worker's task, which another worker then takes over. The
  task runs the row through the same code as above (claim, handler, fenced settlement).
`runtime.open_runtime` picks one by the database; `voxbooth serve` and `voxbooth worker` run it.
"""

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
from voxbooth.server.jobs.queue import (
    CANCELLED,
    DONE,
    FAILED,
    QUEUED,
    RUNNING,
    cancel_subject,
    enqueue,
    install_wake_on_commit,
    wake,
)
from voxbooth.server.jobs.runner import JobRunner

__all__ = [
    "CANCELLED", "DONE", "FAILED", "QUEUED", "RUNNING", "CancelledHook", "FailedHook", "Handler",
    "JobCancelled", "JobContext", "JobKind", "JobRunner", "PermanentJobError", "ProgressHook",
    "cancel_subject", "enqueue", "install_wake_on_commit", "wake",
]
