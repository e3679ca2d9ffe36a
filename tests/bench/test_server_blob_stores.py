"""Benchmark: a 50 MB take on the file store and on the S3 store (moto's server on loopback),
side by side in one run (run with -s).

For each store: upload to stored row, waveform peaks ready (the job reads a local copy), download
as stored (streamed from the store) and as FLAC (re-encoded from a local copy), each with the
service's peak RSS growth. moto keeps objects in its own memory and is no S3 for speed: the S3
figures say the service streams (RSS stays flat), not how fast a real bucket is.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bench.test_server_upload import MEGABYTE, PeakRss, big_wav
from tests.support.s3 import MotoServer
from tests.support.server import LiveServer

__all__ = ["big_wav"]  # the 50 MB take fixture, shared with the upload benchmark


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    server = MotoServer(tmp_path_factory.mktemp("moto") / "moto.log").start()
    try:
        yield server
    finally:
        server.stop()


def _run(server: LiveServer, take: Path) -> dict[str, tuple[float, float]]:
    assert server.proc is not None
    figures: dict[str, tuple[float, float]] = {}
    with server.client() as http:
        project = http.post("/api/projects", json={"name": "Bench"}).json()
        folder = http.post("/api/folders", json={"name": "B", "project_id": project["id"]}).json()
        with PeakRss(server.proc.pid) as rss, take.open("rb") as body:
            started = time.perf_counter()
            reply = http.post("/api/recordings", files={"data": ("take50.wav", body)},
                              data={"parent_folder_id": folder["id"]}, timeout=300)
            figures["upload -> row"] = (time.perf_counter() - started, rss.growth_mb)
        assert reply.status_code == 201, reply.text
        rec = reply.json()
        with PeakRss(server.proc.pid) as rss:
            started = time.perf_counter()
            while http.get(f"/api/recordings/{rec['id']}/waveform").status_code == 202:
                time.sleep(0.02)
            figures["peaks ready"] = (time.perf_counter() - started, rss.growth_mb)
        for fmt in ("wav", "flac"):
            with PeakRss(server.proc.pid) as rss:
                started = time.perf_counter()
                with http.stream("GET", rec["url"], params={"format": fmt},
                                 timeout=300) as stream:
                    assert stream.status_code == 200
                    received = sum(len(chunk) for chunk in stream.iter_bytes())
                figures[f"download {fmt}"] = (time.perf_counter() - started, rss.growth_mb)
            assert received > 0
    return figures


def test_a_50mb_take_on_each_store(tmp_path: Path, big_wav: Path, moto: MotoServer) -> None:
    size_mb = big_wav.stat().st_size / MEGABYTE
    results: dict[str, dict[str, tuple[float, float]]] = {}
    for store, env in (("file", {}), ("s3 (moto)", moto.service_env(moto.new_bucket()))):
        server = LiveServer(data_dir=tmp_path / store.split()[0] / "data", extra_env=env).start()
        try:
            results[store] = _run(server, big_wav)
        finally:
            server.stop()
    print(f"\n{size_mb:.1f} MB take: seconds and service RSS growth, file store beside S3")
    for step in results["file"]:
        cells = "   ".join(f"{store:>9}: {results[store][step][0]:6.2f} s "
                           f"+{results[store][step][1]:5.1f} MB" for store in results)
        print(f"  {step:14} {cells}")
    for figures in results.values():
        assert all(growth < 0.5 * size_mb for _s, growth in figures.values())
