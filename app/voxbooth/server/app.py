"""The FastAPI application: wiring only (settings, database, blob store, job runner, routers).

Other packages plug in by module name, so adding a resource never means editing the wiring of
another: a module in `ROUTER_MODULES` exposes `router`; a module in `JOB_MODULES` exposes
`register_jobs(runner: JobRunner) -> None`.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute

from voxbooth.server import errors, idempotency, jobs, migrate
from voxbooth.server.blobs import open_storage
from voxbooth.server.catalogue import load_catalogue
from voxbooth.server.db import make_engine, make_session_factory, session_scope
from voxbooth.server.deps import refuse_lone_surrogates
from voxbooth.server.routing import api_routes, document_errors
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
    # Sync routes and the database/file steps of async routes share this many threads; the
    # pool has a connection for each of them and the job workers (Settings.db_connections).
    to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
    # The event loop shares the GIL with those threads: a short switch interval lets it take
    # the GIL back within about a millisecond, so /api/health answers while they are busy.
    sys.setswitchinterval(settings.gil_switch_interval_s)
    engine = make_engine(settings.sqlalchemy_url, connections=settings.db_connections,
                         pool_timeout_s=settings.db_pool_timeout_s)
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
    runner.start()
    # on a thread: start-up does not wait for it, and FastAPI's own lock makes a request that
    # needs a route still being built wait for just that
    threading.Thread(target=warm_up, args=(app,), name="voxbooth-warm-up", daemon=True).start()
    try:
        yield
    finally:
        runner.stop()
        engine.dispose()
        storage.close()


def warm_up(app: FastAPI) -> None:
    """Builds now what FastAPI would otherwise build on the event loop at the first request:
    each included route's validators and the OpenAPI schema (seconds of CPU on a busy
    machine, during which nothing else, /api/health included, would be answered). Routers
    in their order, so /api/health (the first) is ready first."""
    for route in app.router.routes:
        for build in ("effective_candidates", "effective_low_priority_routes"):
            getattr(route, build, lambda: None)()
    app.openapi()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="VoxBooth service",
        version="0.1.0",
        description="Recording library and voice conversion for voice artists.",
        lifespan=_lifespan,
        generate_unique_id_function=_operation_id,
        dependencies=[Depends(refuse_lone_surrogates)],
    )
    app.state.settings = settings
    app.state.catalogue = load_catalogue()
    errors.install_handlers(app)
    downloads.install_handlers(app)
    routers = [importlib.import_module(name).router for name in ROUTER_MODULES]
    app.state.api_routes = api_routes(routers)
    document_errors(app.state.api_routes)
    for router in routers:
        app.include_router(router)
    idempotency.install(app)
    return app
