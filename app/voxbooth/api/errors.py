"""One exception class per meaning of a failed call.

Every class carries `status` (the HTTP status, or None when no response came back), `detail`
(the server's `detail` as sent: a string, or the 422 `[{loc, msg, type}]` list) and
`user_message`, a sentence the studio can show as is.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx


def describe_detail(detail: Any) -> str:
    """Flattens a `detail` (string, 422 list or anything JSON) into one readable line."""
    if detail is None:
        return ""
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):
        parts = []
        for item in detail:
            if isinstance(item, dict) and "msg" in item:
                # FastAPI's loc starts with where the field lives ("body", "query"): users do not
                # care, they want the field's name.
                loc = [str(p) for p in item.get("loc", []) if p not in ("body", "query", "path")]
                parts.append(f"{'.'.join(loc)}: {item['msg']}" if loc else str(item["msg"]))
            else:
                parts.append(describe_detail(item))
        return "; ".join(parts)
    if isinstance(detail, dict) and "msg" in detail:
        return str(detail["msg"])
    return str(detail)


class VoxBoothError(Exception):
    """Base of every error the client raises."""

    #: what went wrong, in words for the person at the studio (the detail is appended)
    summary = "The VoxBooth service could not complete the request"

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        detail: Any = None,
        response: httpx.Response | None = None,
    ) -> None:
        self.status = status
        self.detail = detail
        self.response = response
        text = describe_detail(detail)
        self.user_message = f"{self.summary}: {text}" if text else f"{self.summary}."
        super().__init__(message or self.user_message)


class APIStatusError(VoxBoothError):
    """The server answered with an error status (a subclass names which)."""


class BadRequest(APIStatusError):
    summary = "The service refused the request"


class Unauthorized(APIStatusError):
    summary = "The service did not accept your credentials (API key or login)"


class InsufficientCredits(APIStatusError):
    """402: the account has too few credits for the order; nothing was queued."""

    summary = "Not enough credits for this"


class Forbidden(APIStatusError):
    summary = "You are not allowed to do this"


class NotFound(APIStatusError):
    summary = "Not found on the service (deleted, or never existed)"


class Gone(NotFound):
    """410: the record exists but its stored audio does not (a server-side loss)."""

    summary = "The stored audio is missing on the service"


class Conflict(APIStatusError):
    summary = "Not possible right now"


class PayloadTooLarge(APIStatusError):
    summary = "The file is too large for the service"


class Unprocessable(APIStatusError):
    """422: the request's fields or the uploaded audio were not acceptable.

    `errors` is the server's `[{loc, msg, type}]` list (empty when it sent a plain string).
    """

    summary = "The service could not accept the input"

    @property
    def errors(self) -> list[dict[str, Any]]:
        if isinstance(self.detail, list):
            return [e for e in self.detail if isinstance(e, dict)]
        return []


class RateLimited(APIStatusError):
    """429: `retry_after` (seconds) is how long the server asked us to wait, when it said."""

    summary = "The service is busy; try again shortly"

    def __init__(self, message: str | None = None, *, retry_after: float | None = None,
                 **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    summary = "The service failed while handling the request"


class ConnectionFailed(VoxBoothError):
    summary = "Cannot reach the VoxBooth service"


class Timeout(VoxBoothError):
    summary = "The VoxBooth service did not answer in time"


class Cancelled(VoxBoothError):
    """The caller cancelled an upload, download or wait through its CancelToken."""

    summary = "Cancelled"


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequest,
    401: Unauthorized,
    402: InsufficientCredits,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    410: Gone,
    413: PayloadTooLarge,
    422: Unprocessable,
    429: RateLimited,
}


def parse_retry_after_s(response: httpx.Response) -> float | None:
    """Seconds from `retry-after-ms` or `Retry-After` (seconds or an HTTP date), if present."""
    ms = response.headers.get("retry-after-ms")
    if ms:
        try:
            return float(ms) / 1000.0
        except ValueError:
            pass
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def error_for_response(response: httpx.Response) -> APIStatusError:
    """The exception for an error response (the body must already be read)."""
    try:
        body = response.json()
        detail = body.get("detail", body) if isinstance(body, dict) else body
    except ValueError:
        detail = response.text.strip() or response.reason_phrase
    status = response.status_code
    message = f"{response.request.method} {response.request.url.path} -> {status}: " + (
        describe_detail(detail) or response.reason_phrase
    )
    if status == 429:
        return RateLimited(message, status=status, detail=detail, response=response,
                           retry_after=parse_retry_after_s(response))
    if status == 408:
        return _TimeoutStatus(message, status=status, detail=detail, response=response)
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else APIStatusError
    return cls(message, status=status, detail=detail, response=response)


class _TimeoutStatus(Timeout, APIStatusError):
    """408 Request Timeout: the server gave up waiting; a Timeout to the caller."""
