"""Typed dependencies for routes: the database session, the current user, services."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from sqlalchemy.orm import Session, sessionmaker

from voxbooth.server.blobs import BlobStore
from voxbooth.server.models import User
from voxbooth.server.scratch import Scratch
from voxbooth.server.services import accounts
from voxbooth.server.settings import Settings
from voxbooth.server.text import lone_surrogate_at, validation_error

T = TypeVar("T")

SESSION_COOKIE = "voxbooth_session"
CSRF_HEADER = "X-Csrf-Token"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


# Closing a session gives its connection back to the pool (a rollback: database work, so on a
# thread). These threads only close sessions: a finished request never waits behind new ones
# for a thread while it holds a connection.
CLOSING_THREADS = 4
_CLOSING = anyio.CapacityLimiter(CLOSING_THREADS)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request, for sync routes; they commit what they change, anything else is
    rolled back. A session takes a connection only when first used (in the route's thread) and
    gives it back at its commit or close. Async routes take no session: they run their
    database steps through `run_db`, in a thread with a session of their own."""
    session: Session = request.app.state.session_factory()
    try:
        yield session
    finally:
        await anyio.to_thread.run_sync(session.close, limiter=_CLOSING)


# Dependencies that only read app state are async: a sync one would cost a trip to the thread
# pool (and a wait for a free thread) for an attribute read.
async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_blobs(request: Request) -> BlobStore:
    return request.app.state.blobs


async def get_scratch(request: Request) -> Scratch:
    """This process's folder of temporaries (see scratch.py)."""
    return request.app.state.scratch


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
BlobsDep = Annotated[BlobStore, Depends(get_blobs)]
ScratchDep = Annotated[Scratch, Depends(get_scratch)]


@dataclass
class Auth:
    """Who is calling and how: `api_key_id` for key auth, `web_session_id` for a cookie."""

    user: User
    api_key_id: str | None = None
    web_session_id: str | None = None


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def _presented_key(request: Request) -> str | None:
    key = request.headers.get("api-key")
    if key:
        return key.strip()
    authorization = request.headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def get_auth(request: Request) -> Auth:
    """Who is calling, resolved in a short session of its own that is closed before the route
    runs: an upload's body then streams in with no database connection held. (A sync
    dependency: FastAPI runs it in the thread pool, never on the event loop.) The user comes
    back detached, with its columns loaded."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    with factory() as session:
        return _resolve_auth(request, session)


def _resolve_auth(request: Request, session: Session) -> Auth:
    key = _presented_key(request)
    if key is not None:
        found = accounts.user_for_api_key(session, key)
        if found is None:
            raise _unauthorised("Invalid API key")
        return Auth(user=found[0], api_key_id=found[1].id)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        by_cookie = accounts.user_for_session_token(session, token)
        if by_cookie is None:
            raise _unauthorised("Session expired; log in again")
        user, web = by_cookie
        # Cookies are sent by browsers on their own: unsafe requests must prove intent.
        if request.method not in _SAFE_METHODS and not hmac.compare_digest(
            request.headers.get(CSRF_HEADER, ""), web.csrf_token
        ):
            raise HTTPException(status_code=403, detail="Missing or wrong X-Csrf-Token header")
        return Auth(user=user, web_session_id=web.id)
    raise _unauthorised("Not authenticated: send an api-key header or log in")


AuthDep = Annotated[Auth, Depends(get_auth)]


async def get_current_user(auth: AuthDep) -> User:
    return auth.user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def refuse_lone_surrogates(request: Request) -> None:
    """Every route's JSON body: a string or key holding a lone surrogate is a 422 naming the
    field. (Applied to the whole app; it only looks at a body FastAPI has already parsed, and
    upload bodies check their own fields as they are parsed.)"""
    if not hasattr(request, "_json"):
        return
    loc = lone_surrogate_at(request._json)
    if loc is not None:
        raise RequestValidationError([validation_error(loc)])


async def run_db(request: Request, work: Callable[[Session], T]) -> T:
    """Runs `work(session)` in the thread pool with a session opened and closed in that thread:
    for async routes, which must never touch the database on the event loop."""
    factory: sessionmaker[Session] = request.app.state.session_factory

    def in_thread() -> T:
        with factory() as session:
            return work(session)

    return await run_in_threadpool(in_thread)
