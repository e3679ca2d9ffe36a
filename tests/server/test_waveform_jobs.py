"""A take whose kept audio cannot be decoded any more: its waveform job fails once, the GET says
why, and no new job is queued on every GET (it used to be, forever)."""

from __future__ import annotations

import time

import httpx
from sqlalchemy import Engine, create_engine, text

from tests.server.helpers import make_folder, make_project, message, upload
from tests.support.server import LiveServer


def test_undecodable_audio_fails_its_waveform_once_with_the_reason(
        live_server: LiveServer) -> None:
    with live_server.client() as http:
        take = upload(http, make_folder(http, make_project(http, "Peaks")["id"])["id"])
        url = f"/api/recordings/{take['id']}/waveform"
        wait_for(http, url, 200)
        engine = create_engine(live_server.database_url)
        with engine.begin() as conn:  # the kept audio is now bytes that are no audio at all
            # (its own peaks, on whichever store the tests use), and the peaks are gone
            conn.execute(text("UPDATE recordings SET blob_key = waveform_key,"
                              " waveform_key = NULL WHERE id = :id"), {"id": take["id"]})
        reply = wait_for(http, url, 422)
        assert message(reply).startswith("The waveform cannot be drawn: ")
        before = _waveform_jobs(engine, take["id"])
        for _ in range(5):  # asked again: the same answer, no new job
            assert http.get(url).status_code == 422
        after = _waveform_jobs(engine, take["id"])
        engine.dispose()
        assert after == before
        assert after[-1] == ("failed", 1)  # failed once, on its first attempt: not retried
        assert all(state == "done" for state, _ in after[:-1])


def _waveform_jobs(engine: Engine, recording_id: str) -> list[tuple[str, int]]:
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT state, attempts FROM jobs WHERE subject_id = :id AND kind = 'waveform'"
            " ORDER BY created_at"), {"id": recording_id}).all()
    return [(str(state), int(attempts)) for state, attempts in rows]


def wait_for(http: httpx.Client, url: str, status: int, timeout_s: float = 60) -> httpx.Response:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        reply = http.get(url)
        if reply.status_code == status:
            return reply
        assert reply.status_code == 202, reply.text
        time.sleep(0.1)
    raise AssertionError(f"{url} never answered {status}")
