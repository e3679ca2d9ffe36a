"""The FastAPI application: wiring only (settings, database, blob store, job runner, routers).

Other packages plug in by module name, so adding a resource never means editing the wiring of
another: a module in `ROUTER_MODULES` exposes `router`; a module in `JOB_MODULES` exposes
`register_jobs(runner: JobRunner) -> None`.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from voxbooth.server import errors, idempotency, jobs, migrate
from voxbooth.server.blobs import open_storage
from voxbooth.server.catalogue import load_catalogue
from voxbooth.server.db import make_engine, make_session_factory, session_scope
from voxbooth.server.services import accounts, downloads
from voxbooth.server.settings import Settings

log = logging.getLogger("voxbooth.server")

ROUTER_MODULES: list[str] = [
    "voxbooth.server.routes.health",
    "voxbooth.server.routes.auth",
    "voxbooth.server.routes.credits",
    "voxbooth.server.routes.projects",
    "voxbooth.server.routes.folders",
    "voxbooth.server.routes.recordings",
    "voxbooth.server.routes.notes",
    "voxbooth.server.routes.stats",
    "voxbooth.server.routes.voices",
    "voxbooth.server.routes.limits",
    # the conversion engine's resources (issue 4)
    "voxbooth.server.routes.calibrations",
    "voxbooth.server.routes.orders",
    "voxbooth.server.routes.tts",
    "voxbooth.server.routes.accents",
    "voxbooth.server.routes.voice_samples",
    "voxbooth.server.routes.transcripts",  # neural parts (issue 15)
    "voxbooth.server.routes.noise_reduction",
]

JOB_MODULES: list[str] = [
    "voxbooth.server.services.waveforms",
    "voxbooth.server.conversion",
    "voxbooth.server.neural.transcripts",
    "voxbooth.server.neural.noise_reduction",
]


def _operation_id(route: APIRoute) -> str:
    # The route function's name ("list_projects"): stable across releases and readable.
    return route.name


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    settings.ensure_dirs()
    engine = make_engine(settings.sqlalchemy_url)
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    jobs.install_wake_on_commit(factory)
    storage = open_storage(settings)
    blobs = storage.blobs
    if settings.local_api_key:
        with session_scope(factory) as session:
            accounts.ensure_local_user(session, settings.local_api_key,
                                       settings.local_user_email, settings.local_user_credits)
    runner = jobs.JobRunner(
        factory, workers=settings.job_workers,
        services={"settings": settings, "blobs": blobs, "scratch": storage.scratch,
                  "session_factory": factory},
    )
    for name in JOB_MODULES:
        importlib.import_module(name).register_jobs(runner)
    requeued = runner.recover()
    if requeued:
        log.info("resuming %d job(s) interrupted by a stop", requeued)
    app.state.engine, app.state.session_factory = engine, factory
    app.state.blobs, app.state.runner, app.state.scratch = blobs, runner, storage.scratch
    # Warm the audio workers in the background: the service answers at once, the first
    # upload waits only for what is left of their start-up.
    from voxbooth.server.media import isolation  # numpy and codecs: not for `voxbooth admin`

    audio_workers = isolation.all_shared_workers()
    threading.Thread(target=_warm, args=(audio_workers,), name="audio-workers-warm",
                     daemon=True).start()
    runner.start()
    try:
        yield
    finally:
        runner.stop()
        for pool in audio_workers:
            pool.stop()
        engine.dispose()
        storage.close()


def _warm(pools: list[Any]) -> None:
    try:
        for pool in pools:
            pool.warm()
    except Exception:  # a failed warm-up is retried by the first call that needs a worker
        log.warning("audio workers did not start", exc_info=True)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="VoxBooth service",
        version="0.1.0",
        description="Recording library and voice conversion for voice artists.",
        lifespan=_lifespan,
        generate_unique_id_function=_operation_id,
    )
    app.state.settings = settings
    app.state.catalogue = load_catalogue()
    errors.install_handlers(app)
    downloads.install_handlers(app)
    for name in ROUTER_MODULES:
        app.include_router(importlib.import_module(name).router)
    idempotency.install(app)
    return app
