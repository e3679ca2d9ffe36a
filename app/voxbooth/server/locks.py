"""Row locks that work the same on every database the service runs on.

Every transaction that charges or refunds credits, and every job settlement (which may refund),
locks the user's row first, before it inserts or updates anything else. One order of locks for
every path means no deadlock: on PostgreSQL rows inserted with a foreign key to the user hold a
KEY SHARE lock on it, which `FOR NO KEY UPDATE` does not conflict with but `FOR UPDATE` taken
after such inserts does (two orders then wait on each other). SQLite has one writer at a time, so
the first write of a transaction serialises it there and this is a no-op.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from voxbooth.server.models import User


def lock_user(session: Session, user_id: str) -> None:
    """Holds `user_id`'s row until the transaction ends (PostgreSQL: FOR NO KEY UPDATE)."""
    if session.get_bind().dialect.name == "sqlite":
        return
    with session.no_autoflush:  # the lock comes before this transaction's own writes
        session.execute(select(User.id).where(User.id == user_id)
                        .with_for_update(key_share=True))
