"""The whole service on the S3 blob store: a real `voxbooth serve` with
`VOXBOOTH_BLOB_STORE=s3`, talking to moto's standalone S3 server on loopback."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import soundfile as sf

from tests.server.helpers import make_folder, make_project, ok, upload
from tests.support.leftovers import temporaries
from tests.support.s3 import MotoServer
from tests.support.server import LiveServer

ELENA = "54f14355-addb-56c4-87fd-50e71757bf3d"
PREFIX = "studio-a/"


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    server = MotoServer(tmp_path_factory.mktemp("moto") / "moto.log").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def bucket(moto: MotoServer) -> str:
    return moto.new_bucket()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, moto: MotoServer,
           bucket: str) -> Iterator[LiveServer]:
    live = LiveServer(data_dir=tmp_path_factory.mktemp("s3-service") / "data",
                      extra_env=moto.service_env(bucket, VOXBOOTH_S3_PREFIX=PREFIX)).start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture(scope="module")
def folder(http: httpx.Client) -> dict[str, Any]:
    return make_folder(http, make_project(http, "On S3")["id"])


def objects(moto: MotoServer, bucket: str) -> set[str]:
    listed = moto.client().list_objects_v2(Bucket=bucket)
    return {item["Key"] for item in listed.get("Contents", [])}


def wait_for(http: httpx.Client, path: str, timeout_s: float = 60.0, **params: Any
             ) -> httpx.Response:
    deadline = time.monotonic() + timeout_s
    while (reply := http.get(path, params=params)).status_code == 202:
        assert time.monotonic() < deadline, f"{path} still 202"
        time.sleep(0.05)
    return reply


def test_a_take_lives_in_the_bucket_and_comes_back_whole(
        server: LiveServer, http: httpx.Client, moto: MotoServer, bucket: str,
        folder: dict[str, Any], speech_path: Path) -> None:
    before = objects(moto, bucket)
    take = upload(http, folder["id"], "arctic", path=speech_path)
    waveform = ok(wait_for(http, f"/api/recordings/{take['id']}/waveform"))
    assert max(high for _low, high in waveform["peaks"]) > 0.05  # peaks of real speech
    added = objects(moto, bucket) - before
    assert len(added) == 2 and all(key.startswith(PREFIX) for key in added)  # audio, peaks
    assert not list((server.data_dir / "blobs").rglob("*.*"))  # nothing on the local disk
    original = http.get(take["url"], params={"format": "original"})
    assert original.status_code == 200 and original.content == speech_path.read_bytes()
    assert int(original.headers["content-length"]) == len(original.content)
    assert 'filename="arctic.wav"' in original.headers["content-disposition"]
    flac = http.get(take["url"], params={"format": "flac"})  # re-encoded from a local copy
    assert flac.status_code == 200
    decoded, rate_hz = sf.read(io.BytesIO(flac.content))
    assert rate_hz == sf.info(str(speech_path)).samplerate
    assert decoded.shape[0] == sf.info(str(speech_path)).frames
    assert temporaries(server.data_dir) == []


def test_a_conversion_reads_and_writes_the_bucket(
        server: LiveServer, http: httpx.Client, moto: MotoServer, bucket: str,
        folder: dict[str, Any], speech_path: Path) -> None:
    take = upload(http, folder["id"], "to convert", path=speech_path)
    conversion = ok(http.post("/api/v2/orders", json={
        "original_id": take["id"], "conversions": [{"voice_id": ELENA}]}), 201)[0]
    deadline = time.monotonic() + 180
    while (rec := ok(http.get(f"/api/recordings/{conversion['id']}")))["state"] not in (
            "done", "error"):
        assert time.monotonic() < deadline, rec
        time.sleep(0.2)
    assert rec["state"] == "done", rec["error"]
    served = http.get(rec["url"])
    samples, rate_hz = sf.read(io.BytesIO(served.content))
    assert abs(samples.shape[0] / rate_hz - take["duration"]) < 0.05
    exported = http.get("/api/recordings/export", params={"original_id": take["id"]})
    names = zipfile.ZipFile(io.BytesIO(exported.content)).namelist()
    assert "manifest.json" in names and len(names) == 3  # the take, its conversion, manifest
    assert temporaries(server.data_dir) == []


def test_deleting_a_take_empties_its_objects_and_a_lost_object_is_gone(
        http: httpx.Client, moto: MotoServer, bucket: str, folder: dict[str, Any]) -> None:
    from tests.server.helpers import wav_bytes

    before = objects(moto, bucket)
    take = upload(http, folder["id"], "short-lived", content=wav_bytes())
    ok(wait_for(http, f"/api/recordings/{take['id']}/waveform"))
    ok(http.delete(f"/api/recordings/{take['id']}"))
    assert objects(moto, bucket) == before
    lost = upload(http, folder["id"], "lost", content=wav_bytes(freq_hz=440.0))
    ok(wait_for(http, f"/api/recordings/{lost['id']}/waveform"))
    for key in objects(moto, bucket) - before:
        moto.client().delete_object(Bucket=bucket, Key=key)
    for fmt in ("wav", "original", "mp3"):
        missing = http.get(lost["url"], params={"format": fmt})
        assert missing.status_code == 410, fmt
        assert "missing" in missing.json()["detail"]
    assert http.get("/api/health").status_code == 200
