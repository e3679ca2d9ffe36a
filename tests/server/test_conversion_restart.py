"""A service killed (SIGKILL) during a batch of conversions finishes all of them after a restart
on the same data dir, and none twice: one job per conversion, the finished ones untouched, one
charge each and no refund."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.server.helpers import db_url, make_folder, make_project, ok, upload
from tests.support.server import LiveServer
from tests.support.speech import repeated_speech_wav

VOICES = ["66780a99-3d85-59fa-896e-f6b3d531fa1e", "54f14355-addb-56c4-87fd-50e71757bf3d",
          "b357cf1b-3f57-5469-a001-42320fc026f4", "79e56ef2-7042-50f9-a1e6-0b1008ac9224",
          "35639213-ffda-5477-9ac2-3639586687ff", "82dcff56-f91f-5892-bb56-335661a7ea1d"]


def states(http: httpx.Client, ids: list[str]) -> dict[str, dict[str, Any]]:
    return {rec_id: ok(http.get(f"/api/recordings/{rec_id}")) for rec_id in ids}


def rows(server: LiveServer, sql: str, **params: Any) -> list[Any]:
    engine = create_engine(db_url(server))
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params).all())
    finally:
        engine.dispose()


@pytest.mark.slow
def test_killed_service_finishes_the_batch_once(tmp_path: Path, speech_path: Path) -> None:
    # One worker, so the batch is a queue with one conversion in flight at any time.
    first = LiveServer(data_dir=tmp_path / "data",
                       extra_env={"VOXBOOTH_JOB_WORKERS": "1"}).start()
    try:
        with first.client() as http:
            folder = make_folder(http, make_project(http, "Batch")["id"])
            take = upload(http, folder["id"], "twelve seconds",
                          path=repeated_speech_wav(speech_path, 3, tmp_path / "take.wav"))
            credits_before = ok(http.get("/api/credits"))["credits"]
            ordered = ok(http.post("/api/v2/orders", json={
                "original_id": take["id"],
                "conversions": [{"voice_id": v} for v in VOICES]}), 201)
            ids = [c["id"] for c in ordered]
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                seen = states(http, ids)
                if any(r["state"] == "done" for r in seen.values()):
                    break
                time.sleep(0.05)
        first.kill()
    finally:
        first.kill()
    finished_before = {i: r["converted_at"] for i, r in seen.items() if r["state"] == "done"}
    assert 0 < len(finished_before) < len(ids), "the kill must land inside the batch"
    assert all(r["state"] != "error" for r in seen.values())

    second = LiveServer(data_dir=first.data_dir, api_key=first.api_key).start()
    try:
        with second.client() as http:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                now = states(http, ids)
                if all(r["state"] in ("done", "error") for r in now.values()):
                    break
                time.sleep(0.2)
            assert [now[i]["state"] for i in ids] == ["done"] * len(ids), \
                [now[i]["error"] for i in ids]
            for rec_id, converted_at in finished_before.items():
                assert now[rec_id]["converted_at"] == converted_at  # not made again
            for rec_id in ids:
                audio = http.get(f"/api/recordings/{rec_id}/file")
                assert audio.status_code == 200 and len(audio.content) > 100_000
            assert ok(http.get("/api/credits"))["credits"] == credits_before - len(ids)
        jobs = rows(second, "SELECT subject_id, state, attempts FROM jobs WHERE kind = 'convert'")
        assert sorted(j.subject_id for j in jobs) == sorted(ids)  # one job per conversion
        assert {j.state for j in jobs} == {"done"}
        # only a conversion in flight at the kill ran a second attempt
        assert sum(j.attempts for j in jobs) <= len(ids) + 1
        for rec_id in finished_before:
            assert next(j.attempts for j in jobs if j.subject_id == rec_id) == 1
        entries = rows(second, "SELECT recording_id, delta, reason FROM credit_entries "
                               "WHERE recording_id IS NOT NULL")
        assert sorted(e.recording_id for e in entries) == sorted(ids)
        assert {e.delta for e in entries} == {-1}
    finally:
        second.stop()
