"""Idempotent creates: every creating POST accepts an `Idempotency-Key` header.

`store` keeps keys and answers in the `idempotency_keys` table; `http` holds the header, the
route dependencies (`IdempotentJson`, `IdempotentUpload`) and the middleware; `install(app)`
wires them.
"""

from voxbooth.server.idempotency.http import (
    HEADER,
    REPLAYED_HEADER,
    Idempotency,
    IdempotentJson,
    IdempotentUpload,
    install,
)

__all__ = ["HEADER", "REPLAYED_HEADER", "Idempotency", "IdempotentJson", "IdempotentUpload",
           "install"]
