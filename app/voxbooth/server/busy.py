"""What counts as a database too busy to answer now: `errors` answers it 503 with
`Retry-After`, not a 500.

SQLite has one writer at a time: a write that waited its whole busy timeout behind other
processes' writes fails with "database is locked". PostgreSQL may abort a transaction to break a
lock cycle or a serialisation conflict. Neither is the client's fault nor a bug in the request,
and trying again a moment later succeeds; the client's retry policy honours `Retry-After`.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

# PostgreSQL's "try again" SQLSTATEs: serialization failure, deadlock, lock not available
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


def is_busy(exc: BaseException) -> bool:
    """True for a database error that a retry of the same request would not meet again."""
    if not isinstance(exc, DBAPIError):
        return False
    if isinstance(exc, OperationalError) and "database is locked" in str(exc.orig):
        return True
    return getattr(exc.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES
