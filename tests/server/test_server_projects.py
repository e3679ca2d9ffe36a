"""Projects and folders on the real service: create, list with paging and sorting, rename,
by-url, nesting, delete, export zip."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.server.helpers import make_folder, make_project, ok, upload
from tests.support.server import LiveServer


@pytest.fixture(scope="module")
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    with live_server.client() as client:
        yield client


@pytest.fixture(scope="module")
def seven(http: httpx.Client) -> list[dict[str, Any]]:
    names = ["delta", "Alpha", "echo", "bravo", "golf", "Charlie", "foxtrot"]
    return [make_project(http, name) for name in names]


def _names(page: dict[str, Any]) -> list[str]:
    return [p["name"] for p in page["list"]]


def test_project_fields_as_the_seed(http: httpx.Client) -> None:
    project = make_project(http, "Audiobook: Chapter 1/2")
    assert set(project) == {"name", "slug", "owner", "url", "models", "id", "active",
                            "created_at", "last_recording_at"}
    assert project["slug"] == "audiobook-chapter-1-2"
    assert project["active"] is True and project["last_recording_at"] is None
    assert uuid.UUID(project["id"]) and uuid.UUID(project["owner"])
    assert project["created_at"].endswith("Z") or project["created_at"].endswith("+00:00")
    again = make_project(http, "Audiobook: Chapter 1/2")
    assert again["url"] != project["url"]  # same name twice: both stay reachable by url


def test_paging_edges(http: httpx.Client, seven: list[dict[str, Any]]) -> None:
    total = ok(http.get("/api/projects", params={"limit": 1}))["pagination"]["count"]
    assert total >= 7
    first = ok(http.get("/api/projects", params={"limit": 3, "offset": 0}))
    assert first["pagination"] == {"count": total, "limit": 3, "offset": 0}
    assert len(first["list"]) == 3
    seen: list[str] = []
    for offset in range(0, total, 3):
        seen += [p["id"] for p in ok(http.get("/api/projects", params={
            "limit": 3, "offset": offset}))["list"]]
    assert len(seen) == len(set(seen)) == total  # pages neither overlap nor skip
    assert ok(http.get("/api/projects", params={"offset": total}))["list"] == []
    assert ok(http.get("/api/projects", params={"limit": 0}))["list"] == []
    for bad in ({"limit": -1}, {"offset": -1}, {"limit": 10**12}, {"limit": "many"},
                {"sort": "size"}, {"direction": "up"}, {"owner": "not-a-uuid"}):
        reply = http.get("/api/projects", params=bad)
        assert reply.status_code == 422, bad
        assert reply.json()["detail"][0]["loc"][-1] in bad


def test_sorting(http: httpx.Client, seven: list[dict[str, Any]]) -> None:
    by_name = _names(ok(http.get("/api/projects", params={"sort": "name", "limit": 100})))
    assert by_name == sorted(by_name, key=str.lower)
    desc = _names(ok(http.get("/api/projects", params={"sort": "name", "direction": "desc",
                                                        "limit": 100})))
    assert desc == list(reversed(by_name))
    created = ok(http.get("/api/projects", params={"sort": "created_at", "limit": 100}))["list"]
    assert [p["created_at"] for p in created] == sorted(p["created_at"] for p in created)
    # a new take moves its project to the front of last_recording_at desc
    target = seven[2]
    folder = make_folder(http, target["id"])
    upload(http, folder["id"])
    latest = ok(http.get("/api/projects", params={"sort": "last_recording_at",
                                                   "direction": "desc", "limit": 1}))
    assert latest["list"][0]["id"] == target["id"]
    assert latest["list"][0]["last_recording_at"] is not None


def test_owner_filter(http: httpx.Client, seven: list[dict[str, Any]]) -> None:
    owner = seven[0]["owner"]
    mine = ok(http.get("/api/projects", params={"owner": owner}))
    assert mine["pagination"]["count"] >= 7
    assert ok(http.get("/api/projects", params={"owner": str(uuid.uuid4())}))["list"] == []


def test_rename_by_url_and_delete(http: httpx.Client) -> None:
    project = make_project(http, "Draft")
    renamed = ok(http.patch(f"/api/projects/{project['id']}", json={"name": "Final mix"}))
    assert renamed["name"] == "Final mix" and renamed["slug"] == "final-mix"
    assert renamed["url"] == project["url"]  # links keep working after a rename
    found = ok(http.get("/api/projects/by-url", params={"project_url": project["url"]}))
    assert found["id"] == project["id"]
    assert http.get("/api/projects/by-url", params={"project_url": "nope"}).status_code == 404
    for bad in ("", "   ", "\x00bad", "x" * 201):
        assert http.patch(f"/api/projects/{project['id']}", json={"name": bad}).status_code == 422
    assert http.patch(f"/api/projects/{project['id']}", json={}).status_code == 422
    deleted = ok(http.delete(f"/api/projects/{project['id']}"))
    assert deleted["id"] == project["id"]
    assert http.get(f"/api/projects/{project['id']}").status_code == 404
    assert http.delete(f"/api/projects/{project['id']}").status_code == 404
    assert http.get("/api/projects/not-a-uuid").status_code == 422


def test_nested_folders(http: httpx.Client) -> None:
    project = make_project(http, "Nested")
    top = make_folder(http, project["id"], "Book")
    chapter = make_folder(http, project["id"], "Chapter 1", parent_id=top["id"])
    scene = make_folder(http, project["id"], "Scene A", parent_id=chapter["id"])
    assert set(top) == {"name", "project_id", "parent_id", "id", "active", "created_at"}
    assert scene["parent_id"] == chapter["id"] and top["parent_id"] is None
    listed = ok(http.get("/api/folders", params={"project_id": project["id"]}))
    assert listed["pagination"] == {"count": 3, "limit": 50, "offset": 0}
    assert [f["name"] for f in listed["list"]] == ["Book", "Chapter 1", "Scene A"]
    desc = ok(http.get("/api/folders", params={"project_id": project["id"], "direction": "desc",
                                               "limit": 2, "offset": 1}))
    assert [f["name"] for f in desc["list"]] == ["Chapter 1", "Book"]
    children = ok(http.get("/api/folders", params={"project_id": project["id"],
                                                   "parent_id": top["id"]}))
    assert [f["id"] for f in children["list"]] == [chapter["id"]]
    assert ok(http.get(f"/api/folders/{scene['id']}"))["name"] == "Scene A"
    assert ok(http.patch(f"/api/folders/{scene['id']}", json={"name": "Scene B"}))["name"] == \
        "Scene B"
    # a parent from another project is refused
    other = make_project(http, "Other")
    reply = http.post("/api/folders", json={"name": "x", "project_id": other["id"],
                                            "parent_id": top["id"]})
    assert reply.status_code == 404
    assert http.get("/api/folders").status_code == 422  # project_id is required
    by_url = ok(http.get("/api/folders", params={"project_id": project["url"]}))
    assert by_url["pagination"]["count"] == 3  # the seed calls project_id "the URL"
    assert http.get("/api/folders", params={"project_id": "no-such-url"}).status_code == 404
    assert http.get("/api/folders", params={"project_id": str(uuid.uuid4())}).status_code == 404
    # deleting a folder deletes its sub-folders and their takes
    take = upload(http, scene["id"], "deep take")
    ok(http.delete(f"/api/folders/{chapter['id']}"))
    assert http.get(f"/api/folders/{scene['id']}").status_code == 404
    assert http.get(f"/api/recordings/{take['id']}").status_code == 404
    assert ok(http.get("/api/folders", params={"project_id": project["id"]}))["list"][0]["id"] \
        == top["id"]


def test_project_export_zip(http: httpx.Client) -> None:
    project = make_project(http, "Export me")
    folder = make_folder(http, project["id"], "../Chapter/1")
    sub = make_folder(http, project["id"], "Retakes", parent_id=folder["id"])
    first = upload(http, folder["id"], "line one")
    second = upload(http, sub["id"], "../../etc/passwd")
    ok(http.patch(f"/api/recordings/{second['id']}", json={"starred": True}))
    ok(http.post("/api/notes", json={"recording_id": first["id"], "text": "too fast"}), 201)
    reply = http.get(f"/api/projects/{project['id']}/export")
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/zip"
    assert "filename*=utf-8''Export%20me.zip" in reply.headers["content-disposition"]  # its name
    archive = zipfile.ZipFile(io.BytesIO(reply.content))
    names = archive.namelist()
    assert "manifest.json" in names
    assert all(".." not in n.split("/") and not n.startswith("/") for n in names), names
    manifest = json.loads(archive.read("manifest.json"))
    entries = {e["id"]: e for e in manifest["recordings"]}
    assert entries[first["id"]]["note"] == "too fast"
    assert entries[second["id"]]["starred"] is True
    assert archive.read(entries[first["id"]]["path"]) == http.get(
        f"/api/recordings/{first['id']}/file", params={"format": "original"}).content
    assert entries[second["id"]]["path"].count("/") == 2  # folder / sub-folder / file
    starred = zipfile.ZipFile(io.BytesIO(http.get(
        f"/api/projects/{project['id']}/export", params={"starred_only": "true"}).content))
    starred_ids = [e["id"] for e in json.loads(starred.read("manifest.json"))["recordings"]]
    assert starred_ids == [second["id"]]
