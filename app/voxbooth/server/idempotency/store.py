"""The idempotency table: claim a key, keep the answer, replay it, forget it after a day.

A key is claimed by INSERTing its row (state `in_progress`); the unique (user_id, key) pair
lets exactly one request of any number of processes on one database win. The winner runs the
route and stores the answer it gave (`done`); a loser finds the row and answers from it:

- same method, path and fingerprint, answered: the stored answer (a replay);
- same request still running: `KeyInProgress` (409 with Retry-After);
- anything else: `KeyReused` (422), as the IETF httpapi Idempotency-Key draft says.

An answer that is not a success is not kept (the route created nothing), so the key is released
and a retry runs the request again. A claim whose process died before answering is taken over
once its lease has run out. Every function here opens its own short transaction: no database
session is held while a request body streams or a route runs. Sync: call from a thread.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from voxbooth.server.db import utcnow
from voxbooth.server.models import IdempotencyRecord

IN_PROGRESS, DONE = "in_progress", "done"
#: how long a key and its answer are kept
KEEP_FOR = timedelta(days=1)
#: how long a claim may run before it counts as abandoned (no route takes this long)
LEASE = timedelta(minutes=10)
#: how often one process sweeps expired keys
SWEEP_EVERY_S = 600.0
#: what a 409 asks the client to wait before it tries again
RETRY_AFTER_S = 1


@dataclass(frozen=True)
class Claim:
    """The right to run the request; settle it with `complete` or `release`."""

    record_id: str
    user_id: str
    key: str


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    content_type: str | None
    body: bytes


class KeyInProgress(Exception):
    """The first request with this key has not answered yet."""


class KeyReused(Exception):
    """The key was first sent with another request (method, path or body)."""

    def __init__(self, first_method: str, first_path: str) -> None:
        super().__init__(f"{first_method} {first_path}")
        self.first_method = first_method
        self.first_path = first_path


@dataclass(frozen=True)
class RequestIdentity:
    """What a key is bound to: who sent it, the key, and the request it came with."""

    user_id: str
    key: str
    method: str
    path: str


def _row(session: Session, ident: RequestIdentity) -> IdempotencyRecord | None:
    return session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == ident.user_id, IdempotencyRecord.key == ident.key))


def _same_request(row: IdempotencyRecord, ident: RequestIdentity) -> bool:
    return row.method == ident.method and row.path == ident.path


def peek(factory: sessionmaker[Session], ident: RequestIdentity) -> None:
    """Before a body is received: refuses at once what no body can make acceptable (the key is
    in flight, or bound to another route), so a client does not send 50 MB for a 409."""
    now = utcnow()
    with factory() as session:
        row = _row(session, ident)
        if row is None or row.expires_at <= now:
            return
        if not _same_request(row, ident):
            raise KeyReused(row.method, row.path)
        if row.state == IN_PROGRESS and row.locked_until > now:
            raise KeyInProgress()


def begin(factory: sessionmaker[Session], ident: RequestIdentity,
          fingerprint: str) -> Claim | StoredAnswer:
    """Claims the key for this request, or returns the answer it already had.

    Raises `KeyInProgress` or `KeyReused`.
    """
    sweep_if_due(factory)
    for _attempt in range(5):
        outcome = _try_begin(factory, ident, fingerprint)
        if outcome is not None:
            return outcome
    raise KeyInProgress()  # lost every race: as good as in progress


def _try_begin(factory: sessionmaker[Session], ident: RequestIdentity,
               fingerprint: str) -> Claim | StoredAnswer | None:
    now = utcnow()
    with factory() as session:
        row = _row(session, ident)
        if row is not None and row.expires_at <= now:
            session.delete(row)
            session.commit()
            return None
        if row is None:
            row = IdempotencyRecord(
                user_id=ident.user_id, key=ident.key, method=ident.method, path=ident.path,
                fingerprint=fingerprint, state=IN_PROGRESS, created_at=now,
                locked_until=now + LEASE, expires_at=now + KEEP_FOR)
            session.add(row)
            try:
                session.commit()
            except IntegrityError:  # another request claimed it first: look again
                session.rollback()
                return None
            return Claim(row.id, ident.user_id, ident.key)
        if not _same_request(row, ident) or row.fingerprint != fingerprint:
            raise KeyReused(row.method, row.path)
        if row.state == DONE:
            return StoredAnswer(row.status or 200, row.content_type, row.body or b"")
        if row.locked_until > now:
            raise KeyInProgress()
        # abandoned by a process that died mid-request: take it over, unless another did
        taken = session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.id == row.id, IdempotencyRecord.state == IN_PROGRESS,
                   IdempotencyRecord.locked_until <= now)
            .values(locked_until=now + LEASE))
        session.commit()
        if getattr(taken, "rowcount", 0) == 1:
            return Claim(row.id, ident.user_id, ident.key)
        return None


def complete(factory: sessionmaker[Session], claim: Claim, answer: StoredAnswer) -> None:
    """Keeps the answer; repeats of the request get it from now on."""
    with factory() as session:
        session.execute(
            update(IdempotencyRecord).where(IdempotencyRecord.id == claim.record_id)
            .values(state=DONE, status=answer.status, content_type=answer.content_type,
                    body=answer.body))
        session.commit()


def release(factory: sessionmaker[Session], claim: Claim) -> None:
    """Forgets an unanswered claim (the request failed and created nothing)."""
    with factory() as session:
        session.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.id == claim.record_id, IdempotencyRecord.state == IN_PROGRESS))
        session.commit()


def sweep(factory: sessionmaker[Session], now: datetime | None = None) -> int:
    """Deletes expired keys; returns how many."""
    with factory() as session:
        result = session.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.expires_at <= (now or utcnow())))
        session.commit()
        return int(getattr(result, "rowcount", 0) or 0)


_sweep_lock = threading.Lock()
_last_sweep: dict[int, float] = {}


def sweep_if_due(factory: sessionmaker[Session]) -> None:
    """At most one sweep per `SWEEP_EVERY_S` per database engine in this process."""
    engine_id = id(factory.kw.get("bind"))
    with _sweep_lock:
        last = _last_sweep.get(engine_id)
        if last is not None and time.monotonic() - last < SWEEP_EVERY_S:
            return
        _last_sweep[engine_id] = time.monotonic()
    sweep(factory)
