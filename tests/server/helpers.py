"""Small helpers for the service tests: make projects, folders and takes over HTTP, and add
conversion rows directly to the service's database (orders belong to the conversion engine)."""

from __future__ import annotations

import io
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import soundfile as sf
from sqlalchemy import bindparam, create_engine, text

from tests.support.server import LiveServer
from voxbooth.server.models.base import UTCDateTime


def ok(reply: httpx.Response, status: int = 200) -> Any:
    assert reply.status_code == status, f"{reply.status_code}: {reply.text[:500]}"
    return reply.json()


def make_project(http: httpx.Client, name: str = "Album") -> dict[str, Any]:
    return dict(ok(http.post("/api/projects", json={"name": name}), 201))


def make_folder(http: httpx.Client, project_id: str, name: str = "Takes",
                parent_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "project_id": project_id}
    if parent_id:
        body["parent_id"] = parent_id
    return dict(ok(http.post("/api/folders", json=body), 201))


def wav_bytes(duration_s: float = 0.5, rate_hz: int = 16000, freq_hz: float = 220.0) -> bytes:
    t = np.arange(int(duration_s * rate_hz)) / rate_hz
    buffer = io.BytesIO()
    sf.write(buffer, 0.3 * np.sin(2 * np.pi * freq_hz * t), rate_hz, format="WAV",
             subtype="PCM_16")
    return buffer.getvalue()


def upload(http: httpx.Client, folder_id: str, label: str = "take", *,
           content: bytes | None = None, path: Path | None = None) -> dict[str, Any]:
    data = path.read_bytes() if path else (content or wav_bytes())
    reply = http.post("/api/recordings", files={"data": (f"{label}.wav", data, "audio/wav")},
                      data={"parent_folder_id": folder_id, "label": label, "microphone": "file"})
    return dict(ok(reply, 201))


def db_url(server: LiveServer) -> str:
    """The server's own database (SQLite or PostgreSQL, see tests/support/postgres.py)."""
    return server.database_url


def add_conversion(server: LiveServer, original: dict[str, Any], *, state: str = "done",
                   voice_id: str = "66780a99-3d85-59fa-896e-f6b3d531fa1e",
                   voice_name: str = "Marcus", duration_s: float = 60.0, starred: bool = False,
                   converted_at: datetime | None = None) -> str:
    """A conversion row as the conversion engine would leave it (no audio blob)."""
    engine = create_engine(db_url(server))
    rec_id = str(uuid.uuid4())
    now = datetime.now(UTC)
    with engine.begin() as conn:
        owner = conn.execute(text("SELECT owner_id FROM recordings WHERE id = :id"),
                             {"id": original["id"]}).scalar_one()
        conn.execute(text(
            "INSERT INTO recordings (id, owner_id, project_id, parent_folder_id, type, original_id,"
            " file_name, label, state, progress, model_id, model_name, starred, tts, params,"
            " active, listen_count, size, duration, created_at, converted_at)"
            " VALUES (:id, :owner, :project, :folder, 'conversion', :original, '', :label, :state,"
            " 0, :voice_id, :voice_name, :starred, :false, :params, :true, 0, 0, :duration,"
            " :now, :converted)").bindparams(bindparam("now", type_=UTCDateTime()),
                                             bindparam("converted", type_=UTCDateTime())),
            {"id": rec_id, "owner": owner, "project": original["project_id"],
             "folder": original["parent_folder_id"], "original": original["id"],
             "label": f"{original['label']} as {voice_name}", "state": state,
             "voice_id": voice_id, "voice_name": voice_name, "starred": starred,
             "false": False, "true": True, "params": '{"semitones_correction": 2}',
             "duration": duration_s, "now": now,
             "converted": (converted_at or now) if state == "done" else None})
    engine.dispose()
    return rec_id


def second_user(server: LiveServer, email: str) -> str:
    """Creates another user with the admin CLI and returns their API key."""
    server.admin("create-user", email, stdin="correct horse battery\n")
    return server.admin("create-api-key", email).strip()


def settle_background_work(http: httpx.Client, recording_id: str) -> None:
    """Waits for a take's waveform and transcript jobs, so they are not measured or killed."""
    deadline = time.monotonic() + 120
    while http.get(f"/api/recordings/{recording_id}/waveform").status_code == 202 or \
            http.get(f"/api/recordings/{recording_id}/transcript").json().get("state") in (
                "queued", "processing"):
        assert time.monotonic() < deadline, "background work on the take never settled"
        time.sleep(0.1)


def message(reply: httpx.Response) -> str:
    """The words of an error answer: `detail` itself, or for a 422 its items' `msg`s (after
    checking the 422 has the `[{loc, msg, type}]` shape the schema promises)."""
    detail = reply.json()["detail"]
    if reply.status_code == 422:
        assert isinstance(detail, list) and detail, detail
        assert all({"loc", "msg", "type"} <= set(item) for item in detail), detail
        return "; ".join(str(item["msg"]) for item in detail)
    assert isinstance(detail, str), detail
    return detail
