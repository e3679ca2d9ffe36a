"""Database engine and sessions (SQLAlchemy 2). SQLite by default; any SQLAlchemy URL works."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str, *, connections: int = 16, pool_timeout_s: float = 5.0) -> Engine:
    """An engine; SQLite gets WAL and a busy timeout so request threads and job workers coexist.

    The pool may open `connections` at once (a few stay open, the rest close when idle); a
    checkout that waits longer than `pool_timeout_s` raises SQLAlchemy's TimeoutError, which
    the service answers 503 with Retry-After instead of queueing requests without end.
    """
    kept = min(connections, 8)
    pool = {"pool_size": kept, "max_overflow": connections - kept, "pool_timeout": pool_timeout_s}
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **pool)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **pool)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
