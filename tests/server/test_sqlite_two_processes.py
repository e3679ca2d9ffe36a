"""Two `voxbooth serve` processes on one SQLite data dir under write load: every write answers
201, or at worst 503 with `Retry-After` while the other process holds the database; never a 500.
(Whatever database the suite targets: this is about SQLite's single writer.)"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.server.helpers import make_folder, make_project, upload
from tests.support.server import LiveServer


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[list[LiveServer]]:
    data_dir = tmp_path / "data"
    url = f"sqlite:///{data_dir / 'voxbooth.sqlite3'}"
    first = LiveServer(data_dir=data_dir, database_url=url).start(timeout_s=120)
    second = LiveServer(data_dir=data_dir, database_url=url).start(timeout_s=120)
    try:
        yield [first, second]
    finally:
        first.stop()
        second.stop()


def test_write_load_from_two_processes_never_answers_500(pair: list[LiveServer]) -> None:
    folders = []
    for server in pair:
        with server.client() as http:
            folders.append(make_folder(http, make_project(http, "Load")["id"])["id"])

    def writes(index: int) -> list[httpx.Response]:
        server = pair[index % 2]
        replies = []
        with server.client() as http:
            for n in range(12):
                replies.append(http.post("/api/projects", json={"name": f"p{index}-{n}"}))
                replies.append(http.post(
                    "/api/recordings", files={"data": ("t.wav", _TAKE, "audio/wav")},
                    data={"parent_folder_id": folders[index % 2], "label": f"t{index}-{n}"}))
        return replies

    with ThreadPoolExecutor(8) as pool:
        replies = [r for batch in pool.map(writes, range(8)) for r in batch]
    statuses = sorted({r.status_code for r in replies})
    assert set(statuses) <= {201, 503}, [(r.status_code, r.text[:200]) for r in replies
                                         if r.status_code not in (201, 503)][:5]
    assert all(r.headers.get("retry-after") for r in replies if r.status_code == 503)
    assert sum(r.status_code == 201 for r in replies) >= len(replies) * 0.9
    for server in pair:  # and both still serve reads and writes
        with server.client() as http:
            upload(http, folders[0], "after")


def _take() -> bytes:
    from tests.server.helpers import wav_bytes

    return wav_bytes(0.5)


_TAKE = _take()
