"""When and how long to wait before trying a failed call again.

Idempotent calls are retried (GET, HEAD, PUT, DELETE), and so is every POST the client sends
with an `Idempotency-Key` (all that create): a create whose answer was lost may have succeeded,
and the service answers its repeat with the object it made the first time instead of a second
one. Other POSTs (login, a new API key) are never retried. Waits grow exponentially with
jitter, so a crowd of clients does not come back in step, and a server's `Retry-After` is
honoured when it is reasonable.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({408, 429})


@dataclass
class RetryPolicy:
    """`max_retries` extra attempts after the first; delays in seconds.

    `sleep` is passed in so a test (or a GUI worker that wants to stay cancellable) can see
    and shape the waits.
    """

    max_retries: int = 2
    initial_delay_s: float = 0.5
    max_delay_s: float = 8.0
    #: a Retry-After longer than this is not waited for: the error goes to the caller instead
    max_retry_after_s: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def is_retryable_method(self, method: str) -> bool:
        return method.upper() in IDEMPOTENT_METHODS

    def is_retryable_status(self, status: int, *, keyed: bool = False,
                            retry_after_s: float | None = None) -> bool:
        """408, 429 and 5xx; with an Idempotency-Key also a 409 that asks to come back
        (`Retry-After`): the first attempt is still running on the service."""
        if keyed and status == 409 and retry_after_s is not None:
            return True
        return status in RETRY_STATUSES or status >= 500

    def delay_s(self, retry_index: int, retry_after_s: float | None = None) -> float:
        """The wait before retry number `retry_index` (0 for the first retry)."""
        if retry_after_s is not None and 0 <= retry_after_s <= self.max_retry_after_s:
            return retry_after_s
        backoff_s = min(self.initial_delay_s * 2.0**retry_index, self.max_delay_s)
        # full jitter would sometimes retry at once; keep 75-100 % of the backoff instead
        return backoff_s * (1.0 - 0.25 * self.rng.random())

    def should_retry_after(self, retry_after_s: float | None) -> bool:
        return retry_after_s is None or retry_after_s <= self.max_retry_after_s


def is_retryable_exception(exc: Exception) -> bool:
    """Connection failures and timeouts; protocol errors (a dropped keep-alive) too."""
    return isinstance(exc, httpx.TransportError) and not isinstance(exc, httpx.UnsupportedProtocol)
