"""`Idempotency-Key` on creating POSTs: the header, the route dependencies, the middleware.

A creating route takes one dependency:

- `IdempotentJson` for a JSON (or empty) body: the key is claimed before the route runs, from
  the body FastAPI has already read;
- `IdempotentUpload` for an upload: the key is checked before the body streams in, and the
  route calls `await idempotency.claim_upload(upload)` once it has the file (its fingerprint is
  the fields plus the file's sha256, computed while it streamed).

A repeat of an answered request is answered from the table (same status and body, plus
`Idempotent-Replayed: true`) without running the route. `IdempotencyMiddleware` keeps the
answer of a claimed request just before its last byte is sent, or releases the claim when the
answer is not a success. `install(app)` wires both and documents the header's answers in the
OpenAPI schema of every route that takes it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session, sessionmaker
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from voxbooth.server.deps import CurrentUser
from voxbooth.server.idempotency import store
from voxbooth.server.idempotency.fingerprint import json_fingerprint, upload_fingerprint
from voxbooth.server.uploads import ReceivedUpload

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_CHARS = 255
IN_PROGRESS_DETAIL = "a request with this Idempotency-Key is in progress"
_SCOPE_KEY = "voxbooth.idempotency"
_HEADER_DOC = (
    "Any unique string (at most 255 printable ASCII characters; a quoted sf-string as in the "
    "IETF httpapi draft works too). A repeat with the same key within a day answers what the "
    "first request answered, with `Idempotent-Replayed: true`, and creates nothing more; a "
    "repeat while the first is still running answers 409 with Retry-After; the same key with "
    "another request answers 422.")


def _bad_key(value: str, why: str, kind: str = "idempotency_key_invalid") -> RequestValidationError:
    return RequestValidationError([{
        "type": kind, "loc": ("header", HEADER), "msg": f"{HEADER} {why}", "input": value}])


def parse_key(raw: str | None) -> str | None:
    """The key a client sent (quotes of an sf-string removed); 422 naming the header if bad."""
    if raw is None:
        return None
    key = raw.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not key:
        raise _bad_key(raw, "must not be empty")
    if len(key) > MAX_KEY_CHARS:
        raise _bad_key(raw[:300], f"must be at most {MAX_KEY_CHARS} characters "
                                  f"(this one has {len(key)})")
    if not all(" " <= ch <= "~" for ch in key):
        raise _bad_key(raw, "must be printable ASCII characters only")
    return key


class IdempotentReplay(Exception):
    """Raised by a dependency to answer a repeat from the stored answer."""

    def __init__(self, answer: store.StoredAnswer) -> None:
        super().__init__(answer.status)
        self.answer = answer


@dataclass
class _Slot:
    """Per request, shared by the dependency (which claims) and the middleware (which settles)."""

    claim: store.Claim | None = None


class Idempotency:
    """What a creating route knows of its request's key."""

    def __init__(self, request: Request, user_id: str, key: str | None) -> None:
        self.request = request
        self.key = key
        self._ident = store.RequestIdentity(user_id, key or "", request.method, request.url.path)
        slot = request.scope.get(_SCOPE_KEY)
        if key is not None and not isinstance(slot, _Slot):
            raise RuntimeError("IdempotencyMiddleware is not installed on this app")
        self._slot: _Slot | None = slot

    @property
    def _factory(self) -> sessionmaker[Session]:
        factory: sessionmaker[Session] = self.request.app.state.session_factory
        return factory

    async def peek(self) -> None:
        if self.key is None:
            return
        try:
            await run_in_threadpool(store.peek, self._factory, self._ident)
        except store.KeyInProgress as exc:
            raise _in_progress() from exc
        except store.KeyReused as exc:
            raise _reused(self.key, self._ident, exc) from exc

    async def claim(self, fingerprint: str) -> None:
        """Claims the key, or raises: a replay, 409 (in flight) or 422 (another request)."""
        if self.key is None:
            return
        assert self._slot is not None
        if self._slot.claim is not None:
            raise RuntimeError("the idempotency key of this request is already claimed")
        try:
            outcome = await run_in_threadpool(store.begin, self._factory, self._ident,
                                              fingerprint)
        except store.KeyInProgress as exc:
            raise _in_progress() from exc
        except store.KeyReused as exc:
            raise _reused(self.key, self._ident, exc) from exc
        if isinstance(outcome, store.StoredAnswer):
            raise IdempotentReplay(outcome)
        self._slot.claim = outcome

    async def claim_upload(self, upload: ReceivedUpload) -> None:
        await self.claim(upload_fingerprint(upload))


def _in_progress() -> HTTPException:
    return HTTPException(status_code=409, detail=IN_PROGRESS_DETAIL,
                         headers={"Retry-After": str(store.RETRY_AFTER_S)})


def _reused(key: str, ident: store.RequestIdentity, exc: store.KeyReused
            ) -> RequestValidationError:
    first = f"{exc.first_method} {exc.first_path}"
    if (exc.first_method, exc.first_path) == (ident.method, ident.path):
        first += " with another body"
    return _bad_key(key, f"was already used for another request (first sent as {first}); "
                         "send a new key for a new request", kind="idempotency_key_reused")


KeyHeader = Annotated[str | None, Header(alias=HEADER, description=_HEADER_DOC)]


async def _json_idempotency(request: Request, user: CurrentUser,
                            idempotency_key: KeyHeader = None) -> Idempotency:
    idempotency = Idempotency(request, user.id, parse_key(idempotency_key))
    if idempotency.key is not None:
        # FastAPI has read (and keeps) the body of a JSON route before its dependencies run
        await idempotency.claim(json_fingerprint(await request.body()))
    return idempotency


async def _upload_idempotency(request: Request, user: CurrentUser,
                              idempotency_key: KeyHeader = None) -> Idempotency:
    idempotency = Idempotency(request, user.id, parse_key(idempotency_key))
    await idempotency.peek()
    return idempotency


IdempotentJson = Annotated[Idempotency, Depends(_json_idempotency)]
IdempotentUpload = Annotated[Idempotency, Depends(_upload_idempotency)]
_DEPENDENCIES = (_json_idempotency, _upload_idempotency)


class IdempotencyMiddleware:
    """Keeps the answer of a request that claimed a key, or releases the claim.

    Pure ASGI, so upload bodies stream through untouched. The answer is stored before its last
    chunk is sent: once a client could have seen it, a repeat gets it too.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        slot = _Slot()
        scope[_SCOPE_KEY] = slot
        status = 0
        content_type: str | None = None
        chunks: list[bytes] = []
        settled = False

        async def settle(answer: store.StoredAnswer | None) -> None:
            nonlocal settled
            claim, settled = slot.claim, True
            if claim is None:
                return
            factory: sessionmaker[Session] = scope["app"].state.session_factory
            if answer is not None:
                await run_in_threadpool(store.complete, factory, claim, answer)
            else:
                await run_in_threadpool(store.release, factory, claim)

        async def capture(message: Message) -> None:
            nonlocal status, content_type
            if slot.claim is not None and not settled:
                if message["type"] == "http.response.start":
                    status = int(message["status"])
                    for name, value in message.get("headers", []):
                        if name.lower() == b"content-type":
                            content_type = value.decode("latin-1")
                elif message["type"] == "http.response.body":
                    chunks.append(message.get("body", b""))
                    if not message.get("more_body", False):
                        ok = 200 <= status < 300
                        await settle(store.StoredAnswer(status, content_type, b"".join(chunks))
                                     if ok else None)
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            if not settled and slot.claim is not None:
                await settle(None)


async def _replay(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, IdempotentReplay)
    answer = exc.answer
    return Response(content=answer.body, status_code=answer.status,
                    media_type=answer.content_type, headers={REPLAYED_HEADER: "true"})


def takes_idempotency(route: APIRoute) -> bool:
    """Whether the route reads an `Idempotency-Key` (through either dependency)."""
    pending = list(route.dependant.dependencies)
    while pending:
        dependant = pending.pop()
        if dependant.call in _DEPENDENCIES:
            return True
        pending.extend(dependant.dependencies)
    return False


_DOCUMENTED: dict[int | str, dict[str, Any]] = {
    409: {"description": f"{IN_PROGRESS_DETAIL}: try again after Retry-After seconds "
                         "(also any other conflict the route names)"},
}


def install(app: FastAPI) -> None:
    """Call after the routers are included."""
    app.add_middleware(IdempotencyMiddleware)
    app.add_exception_handler(IdempotentReplay, _replay)
    for route in _api_routes(app.routes):
        if takes_idempotency(route):
            for status, doc in _DOCUMENTED.items():
                route.responses.setdefault(status, doc)


def _api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """Every APIRoute, also inside included routers (which FastAPI may keep as wrappers)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _api_routes(included.routes)
