"""Typed dependencies for routes: the database session, the current user, services."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from voxbooth.server.blobs import BlobStore
from voxbooth.server.models import User
from voxbooth.server.scratch import Scratch
from voxbooth.server.services import accounts
from voxbooth.server.settings import Settings

SESSION_COOKIE = "voxbooth_session"
CSRF_HEADER = "X-Csrf-Token"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; routes commit what they change, anything else is rolled back."""
    session: Session = request.app.state.session_factory()
    try:
        yield session
    finally:
        session.close()


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_blobs(request: Request) -> BlobStore:
    return request.app.state.blobs


def get_scratch(request: Request) -> Scratch:
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


def get_auth(request: Request, session: SessionDep) -> Auth:
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


def get_current_user(auth: AuthDep) -> User:
    return auth.user


CurrentUser = Annotated[User, Depends(get_current_user)]
