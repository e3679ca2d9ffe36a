"""Rate limits on failed logins, per account and per client address.

A subject (an e-mail, an address) may fail `limit` times within a window that starts at its
first failure; beyond that, logins for it answer 429 with `Retry-After` until the window ends,
whatever the password, so guessing costs the same for a known and an unknown e-mail. The
counters live in the database: every service process sharing it enforces the same limits.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import HTTPException
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from voxbooth.server.models import LoginLimit

ACCOUNT, ADDRESS = "account", "address"


@dataclass(frozen=True)
class LoginPolicy:
    failures_per_account: int
    failures_per_address: int
    window: timedelta

    def limit(self, scope: str) -> int:
        return self.failures_per_account if scope == ACCOUNT else self.failures_per_address


def _subject_hash(subject: str) -> str:
    return hashlib.sha256(subject.encode("utf-8", "backslashreplace")).hexdigest()


def _retry_after_s(row: LoginLimit, policy: LoginPolicy, now: datetime) -> int | None:
    ends = row.window_started_at + policy.window
    if row.failures < policy.limit(row.scope) or ends <= now:
        return None
    return max(1, math.ceil((ends - now).total_seconds()))


def refuse_if_limited(session: Session, subjects: dict[str, str], policy: LoginPolicy,
                      now: datetime) -> None:
    """429 with Retry-After when the account or the address has used up its failures."""
    for scope, subject in subjects.items():
        row = session.get(LoginLimit, (scope, _subject_hash(subject)))
        wait_s = _retry_after_s(row, policy, now) if row is not None else None
        if wait_s is not None:
            what = "this account" if scope == ACCOUNT else "this address"
            raise HTTPException(
                status_code=429, headers={"Retry-After": str(wait_s)},
                detail=f"Too many failed logins for {what}; try again in {wait_s} s")


def record_failure(session: Session, scope: str, subject: str, policy: LoginPolicy,
                   now: datetime) -> None:
    """One more failure in the subject's current window, or the first of a new window."""
    key = _subject_hash(subject)
    current = (LoginLimit.scope == scope, LoginLimit.subject_hash == key)
    counted = session.execute(
        update(LoginLimit).where(*current, LoginLimit.window_started_at > now - policy.window)
        .values(failures=LoginLimit.failures + 1))
    if getattr(counted, "rowcount", 0):
        return
    session.execute(delete(LoginLimit).where(*current))
    try:
        with session.begin_nested():
            session.add(LoginLimit(scope=scope, subject_hash=key, failures=1,
                                   window_started_at=now))
    except IntegrityError:  # another process started the window at the same moment
        session.execute(update(LoginLimit).where(*current)
                        .values(failures=LoginLimit.failures + 1))


def forget(session: Session, scope: str, subject: str) -> None:
    session.execute(delete(LoginLimit).where(
        LoginLimit.scope == scope, LoginLimit.subject_hash == _subject_hash(subject)))

