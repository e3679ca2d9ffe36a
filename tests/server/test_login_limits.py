"""Failed logins are limited per account and per address (429 with Retry-After), the limits
hold across service processes sharing a database, and a known and an unknown e-mail cost
the same password hashing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import HTTPException

from tests.support.server import LiveServer
from voxbooth.server import migrate, security
from voxbooth.server.db import make_engine, make_session_factory, session_scope
from voxbooth.server.services import accounts
from voxbooth.server.services.login_limits import LoginPolicy

PASSWORD = "correct horse battery"
LIMITS = {"VOXBOOTH_LOGIN_FAILURES_PER_ACCOUNT": "3",
          "VOXBOOTH_LOGIN_FAILURES_PER_ADDRESS": "7"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(data_dir=tmp_path_factory.mktemp("limits") / "data",
                      extra_env=LIMITS).start()
    try:
        for name in ("ann", "bob"):
            live.admin("create-user", f"{name}@example.com", stdin=PASSWORD + "\n")
        yield live
    finally:
        live.stop()


def _login(url: str, email: str, password: str) -> httpx.Response:
    return httpx.post(f"{url}/api/login", json={"email": email, "password": password},
                      timeout=30)


def test_account_and_address_limits_answer_429_with_retry_after(server: LiveServer,
                                                                 tmp_path: Path) -> None:
    for _ in range(3):
        assert _login(server.url, "ann@example.com", "wrong password").status_code == 401
    # the account is locked: even the right password waits, and says how long
    locked = _login(server.url, "Ann@Example.com ", PASSWORD)
    assert locked.status_code == 429, locked.text
    assert 0 < int(locked.headers["retry-after"]) <= 900
    assert "this account" in locked.json()["detail"]
    # another account from the same address still works until the address uses its failures
    assert _login(server.url, "bob@example.com", PASSWORD).status_code == 200
    for email in ("nobody@example.com", "bob@example.com", "eve@example.com", "zed@example.com"):
        assert _login(server.url, email, "guess").status_code == 401
    refused = _login(server.url, "bob@example.com", PASSWORD)
    assert refused.status_code == 429, refused.text
    assert "this address" in refused.json()["detail"]
    # a second service process on the same database counts the same failures
    other = LiveServer(data_dir=server.data_dir, extra_env=LIMITS).start()
    try:
        assert _login(other.url, "bob@example.com", PASSWORD).status_code == 429
    finally:
        other.stop()


@pytest.fixture
def session_factory(tmp_path: Path) -> Iterator[Any]:
    engine = make_engine(f"sqlite:///{tmp_path / 'accounts.sqlite3'}")
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        accounts.create_user(session, "known@example.com", PASSWORD, credits=0)
        accounts.create_user(session, "local@example.com", "", credits=0, is_local=True)
    yield factory
    engine.dispose()


def _scrypt_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real: Callable[..., bytes] = hashlib.scrypt

    def counting(*args: Any, **kwargs: Any) -> bytes:
        calls.append(kwargs.get("n", 0))
        return real(*args, **kwargs)

    monkeypatch.setattr(security.hashlib, "scrypt", counting)
    return calls


def test_known_and_unknown_emails_cost_the_same_hashing(session_factory: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    policy = LoginPolicy(100, 100, timedelta(minutes=15))
    security.verify_password_or_dummy("warm the dummy hash", None)
    calls = _scrypt_calls(monkeypatch)
    work = {}
    for email in ("known@example.com", "unknown@example.com", "local@example.com"):
        calls.clear()
        with session_factory() as session, pytest.raises(HTTPException) as refused:
            accounts.login(session, email, "wrong password", 30, address="10.0.0.1",
                           policy=policy)
        assert refused.value.status_code == 401
        work[email] = list(calls)
    assert work["known@example.com"] == work["unknown@example.com"] == \
        work["local@example.com"] == [2**14]
