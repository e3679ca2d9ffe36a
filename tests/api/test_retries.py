"""Retries, timeouts and connection failures against small real HTTP servers on loopback."""

from __future__ import annotations

import time
from email.utils import formatdate
from pathlib import Path

import pytest

from tests.api.scripted_server import Reply, scripted_server
from tests.support.server import free_port
from voxbooth.api import (
    Conflict,
    ConnectionFailed,
    RateLimited,
    RetryPolicy,
    ServerError,
    Timeout,
    VoxBoothClient,
)

PAGE = {"list": [{"id": "p1", "name": "Audiobook"}], "pagination": {"count": 1, "limit": 50,
                                                                    "offset": 0}}


class SleepLog:
    """The retry policy's sleep: really sleeps, and remembers each requested wait."""

    def __init__(self) -> None:
        self.waits_s: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits_s.append(seconds)
        time.sleep(seconds)


def client_for(url: str, sleeps: SleepLog, max_retries: int = 2, **kwargs: object
               ) -> VoxBoothClient:
    policy = RetryPolicy(max_retries=max_retries, initial_delay_s=0.02, max_delay_s=0.1,
                         sleep=sleeps)
    return VoxBoothClient(url, api_key="k", retry=policy, **kwargs)  # type: ignore[arg-type]


def test_get_fails_twice_then_succeeds() -> None:
    sleeps = SleepLog()
    with scripted_server(Reply(503, {"detail": "warming up"}), Reply(502, {"detail": "x"}),
                         Reply(200, PAGE)) as server, client_for(server.url, sleeps) as client:
        page = client.projects.list()
    assert [p.name for p in page.items] == ["Audiobook"]
    assert server.count == 3
    assert len(sleeps.waits_s) == 2
    # exponential backoff with jitter: second wait drawn from a doubled range
    assert 0.015 <= sleeps.waits_s[0] <= 0.02 and 0.03 <= sleeps.waits_s[1] <= 0.04


def test_retries_run_out_and_raise_server_error() -> None:
    sleeps = SleepLog()
    with scripted_server(Reply(500, {"detail": "database is locked"})) as server, \
            client_for(server.url, sleeps) as client, pytest.raises(ServerError) as caught:
        client.folders.get("f1")
    assert server.count == 3  # first try + max_retries=2
    assert caught.value.status == 500
    assert "database is locked" in caught.value.user_message


def test_429_honours_retry_after() -> None:
    sleeps = SleepLog()
    with scripted_server(Reply(429, {"detail": "slow down"}, {"Retry-After": "0.3"}),
                         Reply(200, PAGE)) as server, client_for(server.url, sleeps) as client:
        client.projects.list()
    assert server.count == 2
    assert sleeps.waits_s == [0.3]


def test_429_after_retries_carries_retry_after() -> None:
    with scripted_server(Reply(429, {"detail": "slow down"}, {"Retry-After": "7"})) as server, \
            client_for(server.url, SleepLog(), max_retries=0) as client, \
            pytest.raises(RateLimited) as caught:
        client.projects.list()
    assert caught.value.retry_after == 7.0
    assert caught.value.status == 429


def test_408_is_retried() -> None:
    sleeps = SleepLog()
    with scripted_server(Reply(408, {"detail": "request timeout"}), Reply(200, PAGE)) as server, \
            client_for(server.url, sleeps) as client:
        client.projects.list()
    assert server.count == 2


def test_a_create_is_retried_with_the_same_key() -> None:
    sleeps = SleepLog()
    with scripted_server(Reply(503, {"detail": "busy"}), Reply(201, {"id": "p1", "name": "x"}),
                         Reply(201, {"id": "p2", "name": "x"})) as server, \
            client_for(server.url, sleeps) as client:
        assert client.projects.create("Audiobook").id == "p1"
        client.projects.create("Audiobook")
    keys = [s.headers.get("Idempotency-Key") for s in server.seen]
    assert keys[0] == keys[1] and keys[2] != keys[0]  # one key per call, kept on its retries
    assert all(k and k.startswith('"') and k.endswith('"') for k in keys)  # an sf-string
    assert len(sleeps.waits_s) == 1


def test_a_create_still_in_progress_is_waited_for() -> None:
    sleeps = SleepLog()
    busy = Reply(409, {"detail": "a request with this Idempotency-Key is in progress"},
                 {"Retry-After": "0.2"})
    with scripted_server(busy, Reply(201, {"id": "p1", "name": "x"})) as server, \
            client_for(server.url, sleeps) as client:
        assert client.projects.create("Audiobook").id == "p1"
    assert sleeps.waits_s == [0.2]


def test_a_plain_conflict_is_not_retried() -> None:
    with scripted_server(Reply(409, {"detail": "A calibration named 'a' already exists"})
                         ) as server, client_for(server.url, SleepLog()) as client, \
            pytest.raises(Conflict):
        client.projects.create("Audiobook")
    assert server.count == 1


def test_login_is_never_retried() -> None:
    with scripted_server(Reply(503, {"detail": "busy"})) as server, \
            client_for(server.url, SleepLog()) as client, pytest.raises(ServerError):
        client.login("a@example.com", "pw")
    assert server.count == 1 and "Idempotency-Key" not in server.seen[0].headers


def test_an_upload_is_sent_whole_again_after_a_5xx(tmp_path: Path) -> None:
    audio = tmp_path / "take.wav"
    audio.write_bytes(b"RIFF" + bytes(range(256)) * 2000)
    with scripted_server(Reply(502, {"detail": "bad gateway"}),
                         Reply(201, {"id": "r1", "type": "original"})) as server, \
            client_for(server.url, SleepLog()) as client:
        client.recordings.upload(audio, folder_id="f1")
    first, second = server.seen
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]
    for seen in (first, second):
        assert audio.read_bytes() in seen.body


def test_put_and_delete_are_retried() -> None:
    sleeps = SleepLog()
    with scripted_server(Reply(503, {}), Reply(200, {"id": "c1"}), Reply(503, {}),
                         Reply(200, {})) as server, client_for(server.url, sleeps) as client:
        client.calibrations.enable("c1")
        client.folders.delete("f1")
    assert [s.method for s in server.seen] == ["PUT", "PUT", "DELETE", "DELETE"]


def test_connection_refused_is_retried_then_raises() -> None:
    sleeps = SleepLog()
    closed = f"http://127.0.0.1:{free_port()}"
    with client_for(closed, sleeps) as client, pytest.raises(ConnectionFailed) as caught:
        client.projects.list()
    assert len(sleeps.waits_s) == 2
    assert caught.value.status is None
    assert "Cannot reach" in caught.value.user_message


def test_timeout_against_a_server_that_sleeps() -> None:
    with scripted_server(Reply(200, PAGE, delay_s=1.5)) as server, \
            client_for(server.url, SleepLog(), max_retries=0, timeout=0.3) as client, \
            pytest.raises(Timeout) as caught:
        client.projects.list()
    assert server.count == 1
    assert "did not answer in time" in caught.value.user_message


def test_a_timed_out_get_is_retried() -> None:
    with scripted_server(Reply(200, PAGE, delay_s=1.5), Reply(200, PAGE)) as server, \
            client_for(server.url, SleepLog(), timeout=0.3) as client:
        page = client.projects.list()
    assert server.count == 2 and page.items[0].name == "Audiobook"


def test_bearer_scheme_sends_authorization_header() -> None:
    with scripted_server(Reply(200, PAGE)) as server:
        with VoxBoothClient(server.url, api_key="secret", auth_scheme="bearer") as client:
            client.projects.list()
        with VoxBoothClient(server.url, api_key="secret") as client:
            client.projects.list()
    bearer, plain = (s.headers for s in server.seen)
    assert bearer.get("Authorization") == "Bearer secret" and "api-key" not in bearer
    assert plain.get("api-key") == "secret" and "Authorization" not in plain


def test_unknown_fields_from_a_server_are_kept() -> None:
    page = {"list": [{"id": "p1", "name": "A", "colour": "teal"}],
            "pagination": {"count": 1, "limit": 50, "offset": 0}, "next": None}
    with scripted_server(Reply(200, page)) as server, VoxBoothClient(server.url) as client:
        project = client.projects.list().items[0]
    assert project.model_extra == {"colour": "teal"}


def test_retry_after_as_an_http_date() -> None:
    sleeps = SleepLog()
    when = formatdate(time.time() + 1.0, usegmt=True)  # whole seconds: 0 to 1 s from now
    with scripted_server(Reply(503, {"detail": "maintenance"}, {"Retry-After": when}),
                         Reply(200, PAGE)) as server, client_for(server.url, sleeps) as client:
        client.projects.list()
    assert server.count == 2
    assert len(sleeps.waits_s) == 1 and 0.0 <= sleeps.waits_s[0] <= 1.0


def test_a_retry_after_beyond_the_limit_goes_to_the_caller() -> None:
    sleeps = SleepLog()
    with scripted_server(Reply(429, {"detail": "come back tomorrow"},
                               {"Retry-After": "86400"})) as server, \
            client_for(server.url, sleeps) as client, pytest.raises(RateLimited) as caught:
        client.projects.list()
    assert server.count == 1 and sleeps.waits_s == []
    assert caught.value.retry_after == 86400


def test_a_post_after_a_server_error_gets_a_fresh_connection() -> None:
    """uvicorn drops the connection after an unhandled 500 without a `Connection: close`:
    the client must not send its next request (a POST it cannot retry) down that socket."""
    with scripted_server(Reply(500, {"detail": "Internal server error"}, close_after=True),
                         Reply(201, {"id": "p1", "name": "Audiobook"})) as server, \
            client_for(server.url, SleepLog(), max_retries=0) as client:
        with pytest.raises(ServerError):
            client.projects.list()
        assert client.projects.create("Audiobook").id == "p1"
    assert server.count == 2
