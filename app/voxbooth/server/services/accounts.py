"""Users, API keys, cookie sessions and credits."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from voxbooth.server import security
from voxbooth.server.db import utcnow
from voxbooth.server.errors import conflict, unprocessable
from voxbooth.server.models import ApiKey, CreditEntry, User, WebSession
from voxbooth.server.services import login_limits
from voxbooth.server.services.login_limits import LoginPolicy

_EMAIL_RE = re.compile(r"^[^@\s/\\]+@[^@\s/\\]+$")


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if not _EMAIL_RE.match(email) or len(email) > 320:
        raise unprocessable(f"Not an e-mail address: {email!r}")
    return email


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def create_user(
    session: Session, email: str, password: str, *, credits: int, is_local: bool = False
) -> User:
    email = normalise_email(email)
    if user_by_email(session, email) is not None:
        raise conflict(f"A user with e-mail {email} already exists")
    if not is_local and len(password) < 8:
        raise unprocessable("The password must have at least 8 characters")
    user = User(email=email, is_local=is_local,
                password_hash=security.hash_password(password) if password else "")
    session.add(user)
    session.flush()
    add_credits(session, user.id, credits, "welcome")
    return user


def add_credits(
    session: Session, user_id: str, delta: int, reason: str, recording_id: str | None = None
) -> None:
    if delta:
        session.add(CreditEntry(user_id=user_id, delta=delta, reason=reason,
                                recording_id=recording_id))


def credit_balance(session: Session, user_id: str) -> int:
    total = session.scalar(
        select(func.coalesce(func.sum(CreditEntry.delta), 0)).where(CreditEntry.user_id == user_id)
    )
    return int(total or 0)


def create_api_key(session: Session, user: User, key: str | None = None) -> str:
    """Stores a new key for `user` (hashed) and returns it: the only time it is seen in clear."""
    key = key or security.new_api_key()
    session.add(ApiKey(user_id=user.id, key_hash=security.token_hash(key), prefix=key[:8]))
    session.flush()
    return key


def user_for_api_key(session: Session, key: str) -> tuple[User, ApiKey] | None:
    row = session.execute(
        select(User, ApiKey).join(ApiKey, ApiKey.user_id == User.id)
        .where(ApiKey.key_hash == security.token_hash(key), User.active.is_(True))
    ).first()
    return (row[0], row[1]) if row else None


def delete_api_keys(session: Session, user: User, only_key_id: str | None) -> int:
    statement = delete(ApiKey).where(ApiKey.user_id == user.id)
    if only_key_id is not None:
        statement = statement.where(ApiKey.id == only_key_id)
    return int(getattr(session.execute(statement), "rowcount", 0))


def ensure_local_user(session: Session, key: str, email: str, credits: int) -> User:
    """The embedded studio's user, owning `key`; created once, found again after restarts."""
    found = user_for_api_key(session, key)
    if found is not None:
        return found[0]
    user = user_by_email(session, email) or create_user(
        session, email, "", credits=credits, is_local=True
    )
    create_api_key(session, user, key)
    return user


def login(session: Session, email: str, password: str, days: int, *, address: str,
          policy: LoginPolicy) -> tuple[str, WebSession]:
    """Checks the password and opens a cookie session. Returns (cookie token, session row).

    Refused with 429 while the account or the address is over its failed-login limit; a
    failure is counted and committed before the 401 is raised. Known and unknown e-mails cost
    the same scrypt work."""
    account = email.strip().lower()
    subjects = {login_limits.ACCOUNT: account, login_limits.ADDRESS: address}
    now = utcnow()
    login_limits.refuse_if_limited(session, subjects, policy, now)
    user = user_by_email(session, account)
    stored = user.password_hash if user is not None else None
    if not security.verify_password_or_dummy(password, stored) or user is None:
        for scope, subject in subjects.items():
            login_limits.record_failure(session, scope, subject, policy, now)
        session.commit()
        raise _bad_credentials()
    login_limits.forget(session, login_limits.ACCOUNT, account)
    token = security.new_token()
    web = WebSession(user_id=user.id, token_hash=security.token_hash(token),
                     csrf_token=security.new_token(), expires_at=now + timedelta(days=days))
    session.add(web)
    session.flush()
    return token, web


def user_for_session_token(session: Session, token: str) -> tuple[User, WebSession] | None:
    row = session.execute(
        select(User, WebSession).join(WebSession, WebSession.user_id == User.id)
        .where(WebSession.token_hash == security.token_hash(token), User.active.is_(True))
    ).first()
    if row is None or row[1].expires_at < utcnow():
        return None
    return row[0], row[1]


def logout(session: Session, web_session_id: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id == web_session_id))


def _bad_credentials() -> Exception:
    from fastapi import HTTPException

    return HTTPException(status_code=401, detail="Wrong e-mail or password")


def user_email(session: Session, user_id: str) -> str:
    user = session.get(User, user_id)
    return user.email if user else ""
