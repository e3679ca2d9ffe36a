"""The one place requests are sent: auth headers, CSRF, retries, and error mapping.

Resources call `HttpCore.request_json` / `send` / `stream`; none of them touches httpx's
exceptions or status codes themselves.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal

import httpx

from voxbooth.api.errors import (
    ConnectionFailed,
    Timeout,
    VoxBoothError,
    error_for_response,
    parse_retry_after_s,
)
from voxbooth.api.retry import RetryPolicy, is_retryable_exception

AuthScheme = Literal["api-key", "bearer"]
IDEMPOTENCY_HEADER = "Idempotency-Key"
ContentFactory = Callable[[], tuple[Iterable[bytes], Mapping[str, str]]]
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
USER_AGENT = "voxbooth-client/0.1"


def clean_params(params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Drops unset (None) query parameters so the server applies its defaults."""
    if params is None:
        return None
    return {k: v for k, v in params.items() if v is not None}


def transport_error(exc: httpx.TransportError, method: str, url: str) -> VoxBoothError:
    if isinstance(exc, httpx.TimeoutException):
        return Timeout(f"{method} {url}: timed out ({type(exc).__name__})",
                       detail=f"no answer from {url} in time")
    return ConnectionFailed(f"{method} {url}: {exc or type(exc).__name__}",
                            detail=f"{url}: {exc or type(exc).__name__}")


def _drop_connection(response: httpx.Response) -> None:
    """Closes the socket a 5xx came on, so the pool opens a fresh one for the next request.

    uvicorn closes the connection after an unhandled error without a `Connection: close`
    header; the next request sent down that socket (often a POST, never retried) would die
    with "connection reset". httpcore discards a pooled connection whose socket is closed.
    """
    stream = response.extensions.get("network_stream")
    close = getattr(stream, "close", None)
    if callable(close):
        with contextlib.suppress(Exception):
            close()


class HttpCore:
    """An httpx.Client plus the credentials of one VoxBooth account."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None,
        auth_scheme: AuthScheme,
        timeout: float | httpx.Timeout,
        retry: RetryPolicy,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if auth_scheme not in ("api-key", "bearer"):
            raise ValueError(f"auth_scheme must be 'api-key' or 'bearer', not {auth_scheme!r}")
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.auth_scheme: AuthScheme = auth_scheme
        self.csrf_token: str | None = None
        self.retry = retry
        self.http = httpx.Client(
            base_url=self.base_url + "/",
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )

    def close(self) -> None:
        self.http.close()

    def auth_headers(self, method: str) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.api_key:
            if self.auth_scheme == "bearer":
                headers["Authorization"] = f"Bearer {self.api_key}"
            else:
                headers["api-key"] = self.api_key
        if self.csrf_token and method.upper() in UNSAFE_METHODS:
            headers["X-Csrf-Token"] = self.csrf_token
        return headers

    def _build(self, method: str, path: str, *, params: Mapping[str, Any] | None,
               json: Any, content: bytes | Iterable[bytes] | None,
               headers: Mapping[str, str] | None,
               timeout: float | httpx.Timeout | None) -> httpx.Request:
        all_headers = self.auth_headers(method)
        all_headers.update(headers or {})
        extensions = {}
        if timeout is not None:
            t = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
            extensions["timeout"] = t.as_dict()
        return self.http.build_request(
            method, path.lstrip("/"), params=clean_params(params), json=json,
            content=content, headers=all_headers, extensions=extensions or None,
        )

    def _send_with_retries(self, build: Callable[[], httpx.Request], *, retryable: bool,
                           stream: bool, keyed: bool = False) -> httpx.Response:
        """Sends `build()` until it succeeds, fails for good, or retries run out.

        `build` makes a fresh request per attempt (an upload re-opens its file)."""
        attempt = 0
        while True:
            request = build()
            may_retry = retryable and attempt < self.retry.max_retries
            try:
                response = self.http.send(request, stream=stream)
            except httpx.TransportError as exc:
                if may_retry and is_retryable_exception(exc):
                    self.retry.sleep(self.retry.delay_s(attempt))
                    attempt += 1
                    continue
                raise transport_error(exc, request.method, str(request.url)) from exc
            if response.is_success:
                return response
            response.read()
            response.close()
            if response.status_code >= 500:
                _drop_connection(response)
            retry_after_s = parse_retry_after_s(response)
            if (may_retry
                    and self.retry.is_retryable_status(response.status_code, keyed=keyed,
                                                       retry_after_s=retry_after_s)
                    and self.retry.should_retry_after(retry_after_s)):
                self.retry.sleep(self.retry.delay_s(attempt, retry_after_s))
                attempt += 1
                continue
            raise error_for_response(response)

    def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | Iterable[bytes] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
        retryable: bool | None = None,
        idempotency_key: str | None = None,
        content_factory: ContentFactory | None = None,
    ) -> httpx.Response:
        """One call, read to the end; raises a VoxBoothError subclass on failure.

        `idempotency_key` is sent as `Idempotency-Key` on every attempt of this call, which
        makes a POST retryable like an idempotent method. `retryable` defaults to "the method
        is idempotent, or a key is sent". A streamed body is replayable only when given as
        `content_factory` (called per attempt for a fresh body and its headers); a plain
        iterator in `content` is never retried.
        """
        if retryable is None:
            retryable = idempotency_key is not None or self.retry.is_retryable_method(method)
        if content is not None and not isinstance(content, bytes):
            retryable = False
        fixed_headers = dict(headers or {})
        if idempotency_key is not None:
            fixed_headers[IDEMPOTENCY_HEADER] = f'"{idempotency_key}"'

        def build() -> httpx.Request:
            body, all_headers = content, fixed_headers
            if content_factory is not None:
                body, body_headers = content_factory()
                all_headers = {**fixed_headers, **body_headers}
            return self._build(method, path, params=params, json=json, content=body,
                               headers=all_headers, timeout=timeout)

        return self._send_with_retries(build, retryable=retryable, stream=False,
                                       keyed=idempotency_key is not None)

    def request_json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.send(method, path, **kwargs)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise VoxBoothError(
                f"{method} {path}: the service answered with something that is not JSON",
                status=response.status_code, detail="the answer was not JSON", response=response,
            ) from exc

    @contextmanager
    def stream(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
               timeout: float | httpx.Timeout | None = None) -> Iterator[httpx.Response]:
        """A response whose body is read by the caller (downloads); retried until it starts."""

        def build() -> httpx.Request:
            return self._build(method, path, params=params, json=None, content=None,
                               headers={"Accept": "*/*"}, timeout=timeout)

        response = self._send_with_retries(
            build, retryable=self.retry.is_retryable_method(method), stream=True)
        try:
            yield response
        except httpx.TransportError as exc:
            raise transport_error(exc, method, str(response.request.url)) from exc
        finally:
            response.close()

