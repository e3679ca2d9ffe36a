"""Benchmark: listing 10,000 recordings of one folder page by page (run with -s).

Prints p50/p99 latency per page of 50 (first, middle and last pages, both directions) and of
the originals/project views, beside `GET /api/health` measured in the same run (the cost of
HTTP + auth + framework with no query), so the ratio shows what the listing itself costs.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import bindparam, create_engine, text

from tests.support.server import LiveServer
from voxbooth.server.models.base import UTCDateTime

COUNT = 10_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(data_dir=tmp_path_factory.mktemp("svc") / "data").start()
    try:
        yield live
    finally:
        live.stop()


def fill(server: LiveServer, http: httpx.Client) -> dict[str, str]:
    project = http.post("/api/projects", json={"name": "Ten thousand"}).json()
    folder = http.post("/api/folders", json={"name": "All",
                                              "project_id": project["id"]}).json()
    engine = create_engine(server.database_url)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        owner = conn.execute(text("SELECT owner_id FROM projects WHERE id = :id"),
                             {"id": project["id"]}).scalar_one()
        rows = [{"id": str(uuid.uuid4()), "owner": owner, "project": project["id"],
                 "folder": folder["id"], "label": f"take {i:05d}",
                 "created": start + timedelta(seconds=i), "no": False, "yes": True}
                for i in range(COUNT)]
        conn.execute(text(
            "INSERT INTO recordings (id, owner_id, project_id, parent_folder_id, type, file_name,"
            " label, state, progress, starred, tts, params, active, listen_count, size, duration,"
            " created_at, format, sample_rate, channels) VALUES (:id, :owner, :project, :folder,"
            " 'original', 'take.wav', :label, 'done', 0, :no, :no, '{}', :yes, 0, 128044, 4.0,"
            " :created, 'wav', 16000, 1)").bindparams(bindparam("created", type_=UTCDateTime())),
            rows)
    engine.dispose()
    return {"project": project["id"], "folder": folder["id"]}


def timed(call: Callable[[], httpx.Response], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        reply = call()
        times.append((time.perf_counter() - started) * 1000)
        assert reply.status_code == 200, reply.text
    return times


def p(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def test_listing_10000_recordings(server: LiveServer) -> None:
    with server.client() as http:
        ids = fill(server, http)
        health = timed(lambda: http.get("/api/health"), 200)
        cases = {
            "folder, first page": {"folder_id": ids["folder"], "limit": 50},
            "folder, middle page": {"folder_id": ids["folder"], "limit": 50, "offset": 5000},
            "folder, last page": {"folder_id": ids["folder"], "limit": 50, "offset": 9950},
            "folder, desc first": {"folder_id": ids["folder"], "limit": 50,
                                   "direction": "desc"},
            "project, middle page": {"project_id": ids["project"], "limit": 50, "offset": 5000},
        }
        print(f"\nlisting {COUNT} recordings, pages of 50 (ms)")
        print(f"  {'GET /api/health (reference)':32s} p50 {p(health, .5):6.2f}"
              f"  p99 {p(health, .99):6.2f}")
        for name, params in cases.items():
            times = timed(lambda params=params: http.get("/api/recordings", params=params), 100)
            body = http.get("/api/recordings", params=params).json()
            assert body["pagination"]["count"] == COUNT and len(body["list"]) == 50
            print(f"  {name:32s} p50 {p(times, .5):6.2f}  p99 {p(times, .99):6.2f}"
                  f"  ({statistics.median(times) / statistics.median(health):.1f}x health)")
        originals = timed(lambda: http.get("/api/recordings/originals", params={
            "folder_id": ids["folder"], "limit": 50, "offset": 9950}), 100)
        print(f"  {'originals, last page':32s} p50 {p(originals, .5):6.2f}"
              f"  p99 {p(originals, .99):6.2f}")
