"""Notes, credits and statistics on the real service (statistics from real rows)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.server.helpers import add_conversion, make_folder, make_project, message, ok, upload
from tests.support.server import LiveServer


@pytest.fixture(scope="module")
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    with live_server.client() as client:
        yield client


@pytest.fixture(scope="module")
def take(http: httpx.Client) -> dict[str, Any]:
    project = make_project(http, "Notes")
    return upload(http, make_folder(http, project["id"])["id"], "noted")


def test_note_lifecycle(http: httpx.Client, take: dict[str, Any]) -> None:
    note = ok(http.post("/api/notes", json={"recording_id": take["id"], "text": "breath at 2s"}),
              201)
    assert set(note) == {"id", "text", "active"} and note["text"] == "breath at 2s"
    assert ok(http.get(f"/api/recordings/{take['id']}"))["note"] == note
    again = http.post("/api/notes", json={"recording_id": take["id"], "text": "second"})
    assert again.status_code == 409 and "PUT" in message(again)
    by_recording = ok(http.put("/api/notes", json={"recording_id": take["id"], "text": "fixed"}))
    assert by_recording == {**note, "text": "fixed"}
    by_id = ok(http.put("/api/notes", json={"id": note["id"], "text": "fixed twice"}))
    assert by_id["text"] == "fixed twice"
    for bad in ({"recording_id": take["id"]}, {"text": "orphan"},
                {"recording_id": take["id"], "text": "   "},
                {"recording_id": "nope", "text": "x"}, {"id": take["id"], "text": "x" * 10001}):
        assert http.put("/api/notes", json=bad).status_code == 422, bad
    assert http.put("/api/notes", json={"id": str(uuid.uuid4()), "text": "x"}).status_code == 404
    deleted = ok(http.request("DELETE", "/api/notes", json={"id": note["id"]}))
    assert deleted["id"] == note["id"]
    assert ok(http.get(f"/api/recordings/{take['id']}"))["note"] is None
    assert http.request("DELETE", "/api/notes", json={"id": note["id"]}).status_code == 404
    assert http.post("/api/notes", json={"recording_id": str(uuid.uuid4()),
                                         "text": "x"}).status_code == 404


def test_deleting_a_noted_take_deletes_its_note(http: httpx.Client, take: dict[str, Any]) -> None:
    folder_id = take["parent_folder_id"]
    noted = upload(http, folder_id, "noted then deleted")
    note = ok(http.post("/api/notes", json={"recording_id": noted["id"], "text": "keep?"}), 201)
    ok(http.delete(f"/api/recordings/{noted['id']}"))
    assert http.get(f"/api/recordings/{noted['id']}").status_code == 404
    assert http.put("/api/notes", json={"id": note["id"], "text": "x"}).status_code == 404


def test_credits(http: httpx.Client) -> None:
    credits = ok(http.get("/api/credits"))
    assert credits == {"credits": 100000}  # the local user's generous starting balance


def test_stats_count_real_conversions(http: httpx.Client, live_server: LiveServer) -> None:
    empty = ok(http.get("/api/stats"))
    assert empty["conversions"] == {"total": 0, "completed": 0, "in_progress": 0, "failed": 0}
    project = make_project(http, "Stats")
    folder_a, folder_b = make_folder(http, project["id"], "A"), make_folder(http, project["id"])
    a = upload(http, folder_a["id"], "a")
    b = upload(http, folder_b["id"], "b")
    now = datetime.now(UTC)
    last_month = now.replace(day=1) - timedelta(days=3)
    add_conversion(live_server, a, duration_s=30, voice_name="Marcus")
    add_conversion(live_server, a, duration_s=12, voice_name="Marcus", converted_at=last_month)
    add_conversion(live_server, a, state="processing", voice_name="Marcus")
    add_conversion(live_server, b, state="error", voice_name="Elena",
                   voice_id="54f14355-addb-56c4-87fd-50e71757bf3d")
    add_conversion(live_server, b, state="new", voice_name="Elena",
                   voice_id="54f14355-addb-56c4-87fd-50e71757bf3d")
    stats = ok(http.get("/api/stats"))
    assert stats["conversions"] == {"total": 5, "completed": 2, "in_progress": 2, "failed": 1}
    assert stats["time_converted"]["total"] == 42
    assert stats["time_converted"]["current_month"] == 30
    assert stats["time_converted"]["previous_monthes"] == [
        {"month": last_month.strftime("%Y-%m-01"), "duration": 12}]
    models = {m["name"]: m for m in stats["models"]}
    assert models["Marcus"]["conversions_count"] == 3 and models["Marcus"]["converted_time"] == 42
    assert models["Elena"]["conversions_count"] == 2 and models["Elena"]["converted_time"] == 0
    projects = ok(http.get("/api/stats/projects", params={"project_ids": [project["id"]]}))
    assert projects == [{"project_id": project["id"],
                         "time_converted": {"total": 42, "current_month": 30},
                         "conversions": {"total": 5, "completed": 2, "in_progress": 2,
                                         "failed": 1}}]
    folders = ok(http.get("/api/stats/folders",
                          params={"folder_ids": [folder_a["id"], folder_b["id"]]}))
    assert folders == [
        {"folder_id": folder_a["id"], "stats": {"total": 3, "completed": 2, "in_progress": 1,
                                                "failed": 0}},
        {"folder_id": folder_b["id"], "stats": {"total": 2, "completed": 0, "in_progress": 1,
                                                "failed": 1}}]
    every = ok(http.get("/api/stats/folders"))
    assert {f["folder_id"] for f in every} >= {folder_a["id"], folder_b["id"]}
    assert http.get("/api/stats/projects",
                    params={"project_ids": str(uuid.uuid4())}).status_code == 404
    assert http.get("/api/stats/folders", params={"folder_ids": "x"}).status_code == 422
