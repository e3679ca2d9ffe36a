"""API keys and cookie sessions."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response

from voxbooth.server.deps import SESSION_COOKIE, AuthDep, SessionDep, SettingsDep
from voxbooth.server.schemas.auth import ApiKeyPublic, LoginPublic, LoginRequest
from voxbooth.server.schemas.common import Detail
from voxbooth.server.services import accounts
from voxbooth.server.services.login_limits import LoginPolicy

router = APIRouter(tags=["auth"])


@router.post("/api/api-key", status_code=201)
def create_api_key(auth: AuthDep, session: SessionDep) -> ApiKeyPublic:
    """A new API key for your account, shown only in this response."""
    key = accounts.create_api_key(session, auth.user)
    session.commit()
    return ApiKeyPublic(api_key=key)


@router.delete("/api/api-key")
def delete_api_key(auth: AuthDep, session: SessionDep) -> Detail:
    """Deletes the key this request was made with (with a cookie session: all your keys)."""
    count = accounts.delete_api_keys(session, auth.user, auth.api_key_id)
    session.commit()
    return Detail(detail=f"Deleted {count} API key(s)")


@router.post("/api/login")
def login(body: LoginRequest, request: Request, response: Response, session: SessionDep,
          settings: SettingsDep) -> LoginPublic:
    """Opens a cookie session; unsafe requests made with it must send `X-Csrf-Token`.
    After too many failed logins for the account or from the address: 429 with Retry-After."""
    policy = LoginPolicy(settings.login_failures_per_account,
                         settings.login_failures_per_address,
                         timedelta(seconds=settings.login_window_s))
    address = request.client.host if request.client else "unknown"
    token, web = accounts.login(session, body.email, body.password, settings.session_days,
                                address=address, policy=policy)
    session.commit()
    response.set_cookie(SESSION_COOKIE, token, max_age=settings.session_days * 86400,
                        httponly=True, samesite="strict", path="/")
    user_email = accounts.user_email(session, web.user_id)
    return LoginPublic(user_id=web.user_id, email=user_email, csrf_token=web.csrf_token,
                       expires_at=web.expires_at.isoformat())


@router.post("/api/logout")
def logout(auth: AuthDep, response: Response, session: SessionDep) -> Detail:
    if auth.web_session_id:
        accounts.logout(session, auth.web_session_id)
        session.commit()
    response.delete_cookie(SESSION_COOKIE, path="/")
    return Detail(detail="Logged out")
