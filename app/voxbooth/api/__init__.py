"""voxbooth.api: the Qt-free typed HTTP client of the VoxBooth service.

    from voxbooth.api import VoxBoothClient
    with VoxBoothClient(url, api_key=key) as vb:
        for project in vb.projects.iter():
            ...
"""

from voxbooth.api.client import VoxBoothClient
from voxbooth.api.config import Connection, NotConfigured, resolve_connection
from voxbooth.api.errors import (
    APIStatusError,
    BadRequest,
    Cancelled,
    Conflict,
    ConnectionFailed,
    Forbidden,
    Gone,
    InsufficientCredits,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServerError,
    Timeout,
    Unauthorized,
    Unprocessable,
    VoxBoothError,
)
from voxbooth.api.idempotency import new_idempotency_key
from voxbooth.api.models import Limits, Page, Pagination, Quote
from voxbooth.api.pagination import iter_all
from voxbooth.api.progress import CancelToken, ProgressCallback
from voxbooth.api.resources.orders import ConversionRequest
from voxbooth.api.retry import RetryPolicy
from voxbooth.api.waiting import WaitTimedOut

__all__ = [
    "APIStatusError",
    "BadRequest",
    "CancelToken",
    "Cancelled",
    "Conflict",
    "Connection",
    "ConnectionFailed",
    "ConversionRequest",
    "Forbidden",
    "Gone",
    "InsufficientCredits",
    "Limits",
    "NotConfigured",
    "NotFound",
    "Page",
    "Pagination",
    "PayloadTooLarge",
    "ProgressCallback",
    "Quote",
    "RateLimited",
    "RetryPolicy",
    "ServerError",
    "Timeout",
    "Unauthorized",
    "Unprocessable",
    "VoxBoothClient",
    "VoxBoothError",
    "WaitTimedOut",
    "iter_all",
    "new_idempotency_key",
    "resolve_connection",
]
