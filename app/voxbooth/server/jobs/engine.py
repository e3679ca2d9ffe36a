"""Jobs on procrastinate, the task engine of a service on PostgreSQL: `JobRunner`'s interface
(register, start, stop, wait), with procrastinate's workers doing the fetching, heartbeats and
stalled-job recovery in place of the leased polling threads.

- Producers are unchanged: `jobs.enqueue` adds a `jobs` row in their transaction; the relay
  (`relay.py`) hands it to procrastinate after the commit, as a task `voxbooth.run_job(job_id)`
  locked on the job's id.
- A process with workers runs a procrastinate worker (concurrency = its worker threads) on an
  event loop of its own thread. The task claims the row (fenced on its state and attempt, as
  before), runs the kind's handler through the same code path as the in-process runner
  (`JobRunner._run`: progress, cancellation, results landing only for the attempt this worker
  still owns) and settles it. A failed attempt, or a job given back at shutdown, goes back to
  `queued` and the relay gives it a new task; `jobs.attempts`/`max_attempts` stay the one count.
- A worker killed mid-job stops heartbeating in `procrastinate_workers`; any process's relay
  pass finds its `doing` task stalled after `lease_s` and puts it back to `todo`; another worker
  takes the row over (attempt + 1). The killed one, were it only frozen, can land nothing.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import make_url
from sqlalchemy.orm import Session, sessionmaker

from voxbooth.server.jobs import leases
from voxbooth.server.jobs.queue import WAKE, wake
from voxbooth.server.jobs.relay import QUEUE, TASK_NAME, Relay, Relayed
from voxbooth.server.jobs.runner import JobRunner

log = logging.getLogger("voxbooth.server.jobs")

_RESTART_DELAY_S = 2.0
_PRUNE_INTERVAL_S = 3600.0


def conninfo(sqlalchemy_url: str) -> str:
    """libpq's URI for the service's SQLAlchemy URL (`postgresql+psycopg://...`)."""
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(
        hide_password=False)


class _DaemonThreads(concurrent.futures.ThreadPoolExecutor):
    """Runs each call on a daemon thread of its own (a worker runs a few at a time: its
    concurrency). A ThreadPoolExecutor only in type: asyncio's default executor must be one."""

    def submit(self, fn: Callable[..., Any], /, *args: Any,
               **kwargs: Any) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # handed to the awaiting coroutine
                future.set_exception(exc)

        threading.Thread(target=run, name="voxbooth-task", daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Nothing to wait for: the threads are daemons, and each ends with its call."""


class TaskEngineRunner(JobRunner):
    """Runs jobs on procrastinate workers; `workers=0` relays only (an API-only process)."""

    engine_name = "procrastinate"

    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        database_url: str,
        workers: int = 2,
        services: dict[str, Any] | None = None,
        relay_interval_s: float = 1.0,
        retry_delay_s: float = 2.0,
        lease_s: float = 20.0,
    ) -> None:
        super().__init__(factory, workers=workers, services=services,
                         poll_interval_s=relay_interval_s, retry_delay_s=retry_delay_s,
                         lease_s=lease_s)
        self._conninfo = conninfo(database_url)
        # A worker silent for a lease is taken for dead: heartbeats go 4 times as often.
        self._relay = Relay(retry_delay_s=retry_delay_s, orphan_after_s=lease_s,
                            stalled_after_s=lease_s)
        self._recovery_interval_s = max(0.25, lease_s / 4)
        self._relay_stop = threading.Event()
        self._engine_thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._worker_task: asyncio.Task[None] | None = None

    def recover(self) -> int:
        """Nothing to take back at start: every relay pass recovers stalled tasks."""
        return 0

    def relay_once(self, *, recover_stalled: bool = True, prune: bool = False) -> Relayed:
        with self._factory() as session:
            return self._relay.run(session, recover_stalled=recover_stalled, prune=prune)

    def start(self) -> None:
        self._stop.clear()
        self._relay_stop.clear()
        self._spawn(self._relay_loop, "voxbooth-job-relay")
        if self._workers > 0:
            self._engine_thread = threading.Thread(target=self._run_engine, daemon=True,
                                                   name="voxbooth-task-engine")
            self._engine_thread.start()
        wake()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Running handlers give their jobs back (queued again); the procrastinate worker ends
        and unregisters; a last relay pass hands the given-back jobs to the other workers."""
        self._stop.set()
        loop, task = self._loop, self._worker_task
        if loop is not None and task is not None:
            with contextlib.suppress(RuntimeError):  # its loop has ended already
                loop.call_soon_threadsafe(task.cancel)
        if self._engine_thread is not None:
            self._engine_thread.join(timeout_s)
            self._engine_thread = None
        self._relay_stop.set()
        WAKE.set()
        for thread in self._threads:
            thread.join(timeout_s)
        self._threads.clear()

    # the relay ------------------------------------------------------------------------

    def _relay_loop(self) -> None:
        next_recovery = next_prune = 0.0
        while True:
            last = self._relay_stop.is_set()
            recover, prune = (time.monotonic() >= when for when in (next_recovery, next_prune))
            try:
                self.relay_once(recover_stalled=recover, prune=prune)
                if recover:
                    next_recovery = time.monotonic() + self._recovery_interval_s
                if prune:
                    next_prune = time.monotonic() + _PRUNE_INTERVAL_S
            except Exception:  # the database may be away for a while: next round
                log.warning("jobs not relayed to the task engine this round", exc_info=True)
            if last:
                return
            WAKE.wait(min(self._poll_interval_s, self._recovery_interval_s))
            WAKE.clear()

    # the procrastinate worker ---------------------------------------------------------

    def _run_engine(self) -> None:
        try:
            asyncio.run(self._engine_main())
        finally:
            self._loop = self._worker_task = None

    async def _engine_main(self) -> None:
        from procrastinate import App, PsycopgConnector

        # procrastinate runs sync tasks on the loop's default executor: daemon threads, so a
        # stopping process whose handler does not stop in time exits anyway, as the in-process
        # runner's daemon threads let it (its job is then recovered as any killed worker's).
        asyncio.get_running_loop().set_default_executor(_DaemonThreads())
        while not self._stop.is_set():
            connector = PsycopgConnector(conninfo=self._conninfo, min_size=1,
                                         max_size=self._workers + 3)
            app = App(connector=connector)
            app.task(name=TASK_NAME, queue=QUEUE)(self._run_task)
            try:
                async with app.open_async():
                    await self._run_worker(app)
            except Exception:
                log.warning("the task engine's worker stopped; starting it again",
                            exc_info=True)
            if not self._stop.is_set():
                await asyncio.sleep(_RESTART_DELAY_S)

    async def _run_worker(self, app: Any) -> None:
        self._loop = asyncio.get_running_loop()
        self._worker_task = asyncio.create_task(app.run_worker_async(
            queues=[QUEUE], name=self.owner, concurrency=self._workers, wait=True,
            install_signal_handlers=False, listen_notify=True,
            update_heartbeat_interval=max(0.25, self._lease_s / 4),
            stalled_worker_timeout=self._lease_s,
            fetch_job_polling_interval=1.0,  # retries scheduled for later are seen within 1 s
            abort_job_polling_interval=60.0,  # cancellation goes through jobs.cancel_requested
            shutdown_graceful_timeout=10.0, delete_jobs="never"))
        if self._stop.is_set():  # stop() came before the task existed
            self._worker_task.cancel()
        try:
            await self._worker_task
        except asyncio.CancelledError:
            if not self._stop.is_set():
                raise

    def _run_task(self, job_id: str) -> None:
        """The procrastinate task (on one of the worker's threads): claim, run, settle."""
        if self.stopping:
            return  # left queued: the relay hands it to another worker
        with self._factory() as session:
            claim = leases.claim_for_task(session, job_id, self.owner, self._kinds)
        if isinstance(claim, leases.Lapsed):
            self._fail_lapsed(claim)
            return
        if claim is None:
            return  # done, cancelled or deleted meanwhile: nothing to run
        log.info("job %s attempt %d started", claim.job_id, claim.attempt)
        self._run(claim)
