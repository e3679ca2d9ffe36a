"""Auth on the real service: every route refuses missing or wrong credentials, another user's
objects are 404, keys work as `api-key` and as Bearer, cookie sessions need the CSRF token."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, inspect, text

from tests.server.helpers import (
    add_conversion,
    make_folder,
    make_project,
    message,
    ok,
    second_user,
    upload,
)
from tests.support.server import LiveServer

MISSING = str(uuid.uuid4())


@pytest.fixture(scope="module")
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    with live_server.client() as client:
        yield client


@pytest.fixture(scope="module")
def mine(http: httpx.Client, live_server: LiveServer) -> dict[str, Any]:
    project = make_project(http, "Mine")
    folder = make_folder(http, project["id"])
    take = upload(http, folder["id"], "secret take")
    conversion = add_conversion(live_server, take)
    note = ok(http.post("/api/notes", json={"recording_id": take["id"], "text": "mine"}), 201)
    return {"project": project["id"], "folder": folder["id"], "take": take["id"],
            "conversion": conversion, "note": note["id"], "url": project["url"]}


def routes(ids: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every route of the service but health and login, with plausible arguments."""
    p, f, r = ids["project"], ids["folder"], ids["take"]
    return [
        ("POST", "/api/api-key", {}),
        ("DELETE", "/api/api-key", {}),
        ("POST", "/api/logout", {}),
        ("GET", "/api/credits", {}),
        ("GET", "/api/projects", {}),
        ("POST", "/api/projects", {"json": {"name": "x"}}),
        ("GET", "/api/projects/by-url", {"params": {"project_url": ids["url"]}}),
        ("GET", f"/api/projects/{p}", {}),
        ("PATCH", f"/api/projects/{p}", {"json": {"name": "stolen"}}),
        ("DELETE", f"/api/projects/{p}", {}),
        ("GET", f"/api/projects/{p}/export", {}),
        ("GET", "/api/folders", {"params": {"project_id": p}}),
        ("POST", "/api/folders", {"json": {"name": "x", "project_id": p}}),
        ("GET", f"/api/folders/{f}", {}),
        ("PATCH", f"/api/folders/{f}", {"json": {"name": "stolen"}}),
        ("DELETE", f"/api/folders/{f}", {}),
        ("GET", "/api/recordings", {"params": {"folder_id": f}}),
        ("GET", "/api/recordings", {"params": {"project_id": p}}),
        ("GET", "/api/recordings/originals", {"params": {"folder_id": f}}),
        ("GET", "/api/recordings/conversions", {"params": {"original_id": r}}),
        ("GET", "/api/recordings/export", {"params": {"original_id": r}}),
        ("POST", "/api/recordings", {"files": {"data": ("a.wav", b"RIFF")},
                                     "data": {"parent_folder_id": f}}),
        ("GET", f"/api/recordings/{r}", {}),
        ("PATCH", f"/api/recordings/{r}", {"json": {"label": "stolen"}}),
        ("PUT", f"/api/recordings/{r}", {"json": {"label": "x", "starred": True,
                                                  "parent_folder_id": f, "listen_count": 1}}),
        ("DELETE", f"/api/recordings/{ids['conversion']}", {}),
        ("DELETE", f"/api/recordings/{r}", {}),
        ("GET", f"/api/recordings/{r}/file", {}),
        ("GET", f"/api/recordings/{r}/waveform", {}),
        ("POST", "/api/notes", {"json": {"recording_id": r, "text": "x"}}),
        ("PUT", "/api/notes", {"json": {"recording_id": r, "text": "x"}}),
        ("DELETE", "/api/notes", {"json": {"id": ids["note"]}}),
        ("GET", "/api/stats", {}),
        ("GET", "/api/stats/projects", {"params": {"project_ids": p}}),
        ("GET", "/api/stats/folders", {"params": {"folder_ids": f}}),
        ("GET", "/api/v2/voices", {}),
        ("GET", "/api/v2/voices/search", {"params": {"name": "a"}}),
        ("POST", "/api/v2/voices/favorite/66780a99-3d85-59fa-896e-f6b3d531fa1e", {}),
        ("POST", "/api/v2/voices/settings",
         {"json": {"voice_id": "66780a99-3d85-59fa-896e-f6b3d531fa1e"}}),
        ("GET", "/api/voices/images/marcus.svg", {}),
    ]


def _touches_owned(method: str, path: str, kwargs: dict[str, Any]) -> bool:
    """Routes that name one of the owner's objects: to another user it must not exist."""
    if path in ("/api/projects", "/api/v2/voices", "/api/v2/voices/search", "/api/stats",
                "/api/credits") or "voices" in path or "api-key" in path or "logout" in path:
        return False
    return not (method == "POST" and path in ("/api/projects",))


def test_health_needs_no_credentials(live_server: LiveServer) -> None:
    assert httpx.get(f"{live_server.url}/api/health").json() == {"status": "ok"}


def test_every_route_refuses_missing_and_wrong_credentials(
    live_server: LiveServer, mine: dict[str, Any]
) -> None:
    with httpx.Client(base_url=live_server.url) as anonymous:
        for method, path, kwargs in routes(mine):
            for headers in ({}, {"api-key": "vbk_wrong"}, {"Authorization": "Bearer vbk_wrong"},
                            {"Authorization": "Basic Zm9vOmJhcg=="}):
                reply = anonymous.request(method, path, headers=headers, **kwargs)
                assert reply.status_code == 401, (method, path, headers, reply.text)
                assert message(reply)


def test_every_route_in_the_schema_needs_credentials(live_server: LiveServer) -> None:
    """Also covers routes added later (the conversion engine's): read from /openapi.json."""
    spec = httpx.get(f"{live_server.url}/openapi.json").json()
    open_routes = {"/api/health", "/api/login"}
    checked = 0
    with httpx.Client(base_url=live_server.url) as anonymous:
        for path, item in spec["paths"].items():
            if path in open_routes:
                continue
            concrete = path
            for name in [part[1:-1] for part in path.split("/") if part.startswith("{")]:
                concrete = concrete.replace("{" + name + "}", MISSING)
            for method in item:
                kwargs: dict[str, Any] = {} if method in ("get", "head") else {"json": {}}
                for headers in ({}, {"api-key": "vbk_wrong"},
                                {"Authorization": "Bearer vbk_wrong"}):
                    reply = anonymous.request(method.upper(), concrete, headers=headers,
                                              **kwargs)
                    assert reply.status_code == 401, (method, path, headers, reply.text)
                checked += 1
    assert checked >= 50  # every route of 002, calibrations, orders, TTS, cloning included


def test_another_users_objects_are_not_found(
    live_server: LiveServer, http: httpx.Client, mine: dict[str, Any]
) -> None:
    key = second_user(live_server, "mallory@example.com")
    with live_server.client(key) as other:
        for method, path, kwargs in routes(mine):
            if not _touches_owned(method, path, kwargs):
                continue
            reply = other.request(method, path, **kwargs)
            assert reply.status_code == 404, (method, path, reply.text)
        # their lists do not show my things either
        assert ok(other.get("/api/projects"))["pagination"]["count"] == 0
        assert ok(other.get("/api/projects", params={"owner": ok(http.get(
            f"/api/projects/{mine['project']}"))["owner"]}))["list"] == []
        assert ok(other.get("/api/stats"))["conversions"]["total"] == 0
    # and nothing of mine changed
    assert ok(http.get(f"/api/projects/{mine['project']}"))["name"] == "Mine"
    assert ok(http.get(f"/api/recordings/{mine['take']}"))["label"] == "secret take"
    assert ok(http.get(f"/api/recordings/{mine['take']}"))["note"]["text"] == "mine"


def test_key_works_as_header_and_as_bearer(live_server: LiveServer) -> None:
    for headers in ({"api-key": live_server.api_key},
                    {"Authorization": f"Bearer {live_server.api_key}"}):
        assert httpx.get(f"{live_server.url}/api/credits", headers=headers).status_code == 200


def test_created_key_works_until_deleted(live_server: LiveServer, http: httpx.Client) -> None:
    created = ok(http.post("/api/api-key"), 201)["api_key"]
    assert created != live_server.api_key
    with live_server.client(created) as fresh:
        assert fresh.get("/api/credits").status_code == 200
        assert fresh.delete("/api/api-key").status_code == 200
        assert fresh.get("/api/credits").status_code == 401
    # deleting that key left the local key alone
    assert http.get("/api/credits").status_code == 200
    # and the key is stored hashed: its text is in no column of any row
    stored = database_text(live_server.database_url)
    assert created not in stored and live_server.api_key not in stored


def database_text(url: str) -> str:
    """Every value of every row of every table, as one text (SQLite or PostgreSQL)."""
    engine = create_engine(url)
    parts: list[str] = []
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            parts.extend(repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{table}"')))
    engine.dispose()
    return "\n".join(parts)


def test_login_cookie_session_needs_csrf_for_unsafe_requests(live_server: LiveServer) -> None:
    live_server.admin("create-user", "carol@example.com", stdin="a long passphrase\n")
    with httpx.Client(base_url=live_server.url) as browser:
        assert browser.post("/api/login", json={"email": "carol@example.com",
                                                "password": "wrong password"}).status_code == 401
        session = ok(browser.post("/api/login", json={"email": "Carol@example.com",
                                                      "password": "a long passphrase"}))
        csrf = session["csrf_token"]
        assert browser.get("/api/projects").status_code == 200  # safe: cookie alone is enough
        refused = browser.post("/api/projects", json={"name": "forged"})
        assert refused.status_code == 403 and "X-Csrf-Token" in message(refused)
        wrong = browser.post("/api/projects", json={"name": "forged"},
                             headers={"X-Csrf-Token": "nope"})
        assert wrong.status_code == 403
        made = browser.post("/api/projects", json={"name": "real"}, headers={"X-Csrf-Token": csrf})
        assert made.status_code == 201
        assert ok(browser.get("/api/projects"))["pagination"]["count"] == 1
        assert browser.post("/api/logout").status_code == 403
        assert browser.post("/api/logout", headers={"X-Csrf-Token": csrf}).status_code == 200
        assert browser.get("/api/projects").status_code == 401


def test_admin_cli_refuses_a_duplicate_user(live_server: LiveServer) -> None:
    import subprocess

    live_server.admin("create-user", "dave@example.com", stdin="another passphrase\n")
    with pytest.raises(subprocess.CalledProcessError) as failure:
        live_server.admin("create-user", "dave@example.com", stdin="another passphrase\n")
    assert "already exists" in failure.value.stderr
