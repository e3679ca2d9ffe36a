"""What every service process builds at start-up, an HTTP one (`serve`) or a worker (`worker`):
the database (migrated, under the migration lock), the blob store, the job runner with every
job module's handlers. Job modules plug in by name: a module in `JOB_MODULES` exposes
`register_jobs(runner: JobRunner) -> None`.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from voxbooth.server import jobs, migrate
from voxbooth.server.blobs import BlobStore, Scratch, Storage, open_storage
from voxbooth.server.db import make_engine, make_session_factory, session_scope
from voxbooth.server.services import accounts
from voxbooth.server.settings import Settings

log = logging.getLogger("voxbooth.server")

JOB_MODULES: list[str] = [
    "voxbooth.server.services.waveforms",
    "voxbooth.server.conversion",
    "voxbooth.server.neural.transcripts",
    "voxbooth.server.neural.noise_reduction",
]


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    storage: Storage
    runner: jobs.JobRunner

    @property
    def blobs(self) -> BlobStore:
        return self.storage.blobs

    @property
    def scratch(self) -> Scratch:
        return self.storage.scratch

    def close(self) -> None:
        try:
            self.runner.stop()
            self.engine.dispose()
        finally:
            self.storage.close()
            _stop_audio_workers()


def _stop_audio_workers() -> None:
    """Stops the worker processes that decoded audio for this process's routes and jobs."""
    from voxbooth.server.media import isolation

    for pool in isolation.all_shared_workers():
        pool.stop()


def _ensure_local_user(factory: sessionmaker[Session], settings: Settings) -> None:
    for attempt in range(3):
        try:
            with session_scope(factory) as session:
                accounts.ensure_local_user(session, settings.local_api_key,
                                           settings.local_user_email,
                                           settings.local_user_credits)
            return
        except IntegrityError:  # another process starting beside us made it first
            if attempt == 2:
                raise


def _make_runner(settings: Settings, engine: Engine, factory: sessionmaker[Session],
                 workers: int, services: dict[str, object]) -> jobs.JobRunner:
    """PostgreSQL (a team server): procrastinate's workers run the jobs. SQLite (the embedded
    single-user service): the in-process leased runner, behind the same interface."""
    if engine.dialect.name == "postgresql":
        from voxbooth.server.jobs.engine import TaskEngineRunner  # not for the embedded studio

        return TaskEngineRunner(factory, database_url=settings.sqlalchemy_url, workers=workers,
                                lease_s=settings.job_lease_s, services=services)
    return jobs.JobRunner(factory, workers=workers, lease_s=settings.job_lease_s,
                          services=services)


def open_runtime(settings: Settings, *, workers: int | None = None) -> Runtime:
    """Everything but HTTP, with `workers` job threads (default: the settings'); the runner is
    built and its handlers registered, not started."""
    settings.ensure_dirs()
    engine = make_engine(settings.sqlalchemy_url, connections=settings.db_connections,
                         pool_timeout_s=settings.db_pool_timeout_s)
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    jobs.install_wake_on_commit(factory)
    storage = open_storage(settings)
    try:
        if settings.local_api_key:
            _ensure_local_user(factory, settings)
        runner = _make_runner(
            settings, engine, factory, settings.job_workers if workers is None else workers,
            {"settings": settings, "blobs": storage.blobs, "scratch": storage.scratch,
             "session_factory": factory})
        for name in JOB_MODULES:
            importlib.import_module(name).register_jobs(runner)
        requeued = runner.recover()
    except BaseException:
        storage.close()
        engine.dispose()
        raise
    if requeued:
        log.info("took back %d job(s) whose worker had stopped", requeued)
    return Runtime(settings, engine, factory, storage, runner)
