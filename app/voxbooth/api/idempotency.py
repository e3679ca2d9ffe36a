"""Idempotency keys for creating calls: one fresh key per logical call, kept on every retry.

A caller that must survive its own restart (a queued upload in the studio's outbox) makes a key
with `new_idempotency_key()`, stores it with the job, and passes it as `idempotency_key=` each
time it tries: however many attempts reach the service, one object is made.
"""

from __future__ import annotations

import uuid

MAX_KEY_CHARS = 255


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


def checked_key(key: str | None) -> str:
    """`key`, checked as the service will check it; a fresh one when None."""
    if key is None:
        return new_idempotency_key()
    if not 0 < len(key) <= MAX_KEY_CHARS or not all(" " <= c <= "~" for c in key) \
            or '"' in key or "\\" in key:
        raise ValueError("idempotency_key must be 1 to 255 printable ASCII characters, "
                         "without quotes or backslashes")
    return key
