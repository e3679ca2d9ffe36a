"""The FastAPI application: wiring only (settings, database, blob store, job runner, routers).

Other packages plug in by module name, so adding a resource never means editing the wiring of
another: a module in `ROUTER_MODULES` exposes `router`; a module in `runtime.JOB_MODULES` exposes
`register_jobs(runner: JobRunner) -> None`.
"""

from __future__ import annotations

import gc
import importlib
import logging
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute

from voxbooth.server import errors, idempotency
from voxbooth.server.catalogue import load_catalogue
from voxbooth.server.deps import CLOSING_THREADS, refuse_lone_surrogates
from voxbooth.server.routing import api_routes, document_errors
from voxbooth.server.runtime import open_runtime
from voxbooth.server.settings import Settings
from voxbooth.server.threads import start_worker_threads

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


def _operation_id(route: APIRoute) -> str:
    # The route function's name ("list_projects"): stable across releases and readable.
    return route.name


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    # Sync routes and the database/file steps of async routes share this many threads; the
    # pool has a connection for each of them and the job workers (Settings.db_connections).
    to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
    # every thread those and the session closers can use, started now: a thread started
    # during a burst would stall the event loop until it runs (see threads.py)
    await start_worker_threads(settings.request_threads + CLOSING_THREADS)
    # The event loop shares the GIL with those threads: a short switch interval lets it take
    # the GIL back within about a millisecond, so /api/health answers while they are busy.
    sys.setswitchinterval(settings.gil_switch_interval_s)
    runtime = open_runtime(settings, workers=0 if app.state.no_workers else None)
    app.state.engine, app.state.session_factory = runtime.engine, runtime.factory
    app.state.blobs, app.state.runner = runtime.blobs, runtime.runner
    app.state.scratch = runtime.scratch
    runtime.runner.start()
    # on a thread: start-up does not wait for it, and FastAPI's own lock makes a request that
    # needs a route still being built wait for just that. The audio workers (three Python
    # processes loading numpy and the codecs) start after the routes: on two cores they
    # otherwise delayed the first answers by a second; the first upload waits only for what
    # is left of their start-up.
    threading.Thread(target=_warm_all, args=(app,), name="voxbooth-warm-up",
                     daemon=True).start()
    try:
        yield
    finally:
        runtime.close()


def _warm_all(app: FastAPI) -> None:
    """What the first answers need (the routes), then what the first upload needs."""
    warm_up(app)
    from voxbooth.server.media import isolation  # numpy and codecs: not for `voxbooth admin`

    _warm(isolation.all_shared_workers())


def _warm(pools: list[Any]) -> None:
    try:
        for pool in pools:
            pool.warm()
    except Exception:  # a failed warm-up is retried by the first call that needs a worker
        log.warning("audio workers did not start", exc_info=True)


def warm_up(app: FastAPI) -> None:
    """Builds now what FastAPI would otherwise build on the event loop at the first request:
    each included route's validators and the OpenAPI schema (seconds of CPU on a busy
    machine, during which nothing else, /api/health included, would be answered). Routers
    in their order, so /api/health (the first) is ready first.

    Then everything start-up made (modules, routes, the schema: some 200,000 objects) is
    frozen out of the garbage collector's reach: a full collection visited them all, about
    120 ms of CPU holding the GIL on the 2-core reference machine, during which the event
    loop answered nothing. Afterwards it visits only what requests and jobs made since."""
    for route in app.router.routes:
        for build in ("effective_candidates", "effective_low_priority_routes"):
            getattr(route, build, lambda: None)()
    app.openapi()
    gc.collect()  # start-up's garbage is freed, not frozen
    gc.freeze()


def create_app(settings: Settings | None = None, *, no_workers: bool = False) -> FastAPI:
    """The service; `no_workers` makes an API-only process (`voxbooth worker`s run the jobs)."""
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
    app.state.no_workers = no_workers
    app.state.catalogue = load_catalogue()
    errors.install_handlers(app)
    routers = [importlib.import_module(name).router for name in ROUTER_MODULES]
    app.state.api_routes = api_routes(routers)
    document_errors(app.state.api_routes)
    for router in routers:
        app.include_router(router)
    idempotency.install(app)
    return app
