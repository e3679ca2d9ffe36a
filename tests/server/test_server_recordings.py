"""Recordings on the real service: takes, their conversions, audio in every served format,
waveform peaks, updates, deletes and export."""

from __future__ import annotations

import base64
import io
import json
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import soundfile as sf
from sqlalchemy import create_engine, text

from tests.server.helpers import (
    add_conversion,
    db_url,
    make_folder,
    make_project,
    message,
    ok,
    upload,
    wav_bytes,
)
from tests.support.blob_store import blob_keys as stored_keys
from tests.support.blob_store import read_blob, remove_blob
from tests.support.server import LiveServer


@pytest.fixture(scope="module")
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    with live_server.client() as client:
        yield client


@pytest.fixture(scope="module")
def place(http: httpx.Client) -> dict[str, Any]:
    project = make_project(http, "Takes")
    return {"project": project, "folder": make_folder(http, project["id"], "Session 1")}


@pytest.fixture(scope="module")
def speech_take(http: httpx.Client, place: dict[str, Any], speech_path: Path) -> dict[str, Any]:
    return upload(http, place["folder"]["id"], "arctic", path=speech_path)


def blob_keys(server: LiveServer) -> set[str]:
    return stored_keys(server.data_dir)


def wait_for_waveform(http: httpx.Client, rec_id: str, **params: Any) -> httpx.Response:
    for _ in range(200):
        reply = http.get(f"/api/recordings/{rec_id}/waveform", params=params)
        if reply.status_code != 202:
            return reply
        time.sleep(0.05)
    raise AssertionError("waveform peaks never arrived")


def test_upload_records_what_the_audio_holds(speech_take: dict[str, Any],
                                             speech_path: Path, place: dict[str, Any]) -> None:
    info = sf.info(str(speech_path))
    assert speech_take["type"] == "original" and speech_take["state"] == "done"
    assert speech_take["duration"] == pytest.approx(info.duration, abs=1e-3)
    assert speech_take["sample_rate"] == info.samplerate and speech_take["channels"] == 1
    assert speech_take["size"] == speech_path.stat().st_size
    assert speech_take["file_name"] == "arctic.wav" and speech_take["label"] == "arctic"
    assert speech_take["project_id"] == place["project"]["id"]
    assert speech_take["parent_folder_id"] == place["folder"]["id"]
    assert speech_take["microphone"] == "file" and speech_take["note"] is None
    assert speech_take["url"].endswith(f"/api/recordings/{speech_take['id']}/file")


def test_file_served_as_wav_and_other_formats(http: httpx.Client, speech_take: dict[str, Any],
                                              speech_path: Path) -> None:
    original, rate = sf.read(str(speech_path), dtype="float32")
    as_wav = http.get(speech_take["url"])
    assert as_wav.status_code == 200 and as_wav.headers["content-type"] == "audio/wav"
    assert as_wav.content == speech_path.read_bytes()  # a WAV original is served as it is
    for fmt, mime in (("flac", "audio/flac"), ("ogg", "audio/ogg"), ("mp3", "audio/mpeg")):
        reply = http.get(speech_take["url"], params={"format": fmt})
        assert reply.status_code == 200 and reply.headers["content-type"] == mime, fmt
        assert f'.{fmt}"' in reply.headers["content-disposition"]
        decoded, decoded_rate = sf.read(io.BytesIO(reply.content), dtype="float32")
        assert decoded_rate == rate
        assert abs(len(decoded) - len(original)) < 0.1 * rate, fmt  # codecs pad a little
        if fmt == "flac":
            assert np.max(np.abs(decoded - original)) < 1e-4  # lossless
    assert http.get(speech_take["url"], params={"format": "aiff"}).status_code == 422


def test_flac_original_served_as_wav(http: httpx.Client, place: dict[str, Any]) -> None:
    t = np.arange(8000) / 8000
    buffer = io.BytesIO()
    sf.write(buffer, 0.5 * np.sin(2 * np.pi * 300 * t), 8000, format="FLAC")
    flac = buffer.getvalue()
    reply = http.post("/api/recordings", files={"data": ("tone.flac", flac)},
                      data={"parent_folder_id": place["folder"]["id"]})
    rec = ok(reply, 201)
    assert rec["format"] == "flac" and rec["label"] == "tone"
    wav = http.get(rec["url"])
    assert wav.content[:4] == b"RIFF" and wav.headers["content-type"] == "audio/wav"
    samples, rate = sf.read(io.BytesIO(wav.content))
    assert rate == 8000 and len(samples) == 8000
    assert http.get(rec["url"], params={"format": "original"}).content == flac


@pytest.mark.parametrize(("subtype", "container"), [("PCM_24", "AIFF"), ("FLOAT", "AIFF-C")])
def test_aiff_speech_is_kept_and_served_as_wav(http: httpx.Client, place: dict[str, Any],
                                               speech_path: Path, subtype: str,
                                               container: str) -> None:
    """AIFF, as Logic or Pro Tools on a Mac save a take (AIFF-C for float), is told from its
    bytes (the name says nothing), kept as uploaded and served as WAV with every sample."""
    speech, rate = sf.read(str(speech_path), dtype="float32")
    buffer = io.BytesIO()
    sf.write(buffer, speech, rate, format="AIFF", subtype=subtype)
    aiff = buffer.getvalue()
    assert aiff[8:12] == (b"AIFC" if container == "AIFF-C" else b"AIFF")
    reply = http.post("/api/recordings", files={"data": ("line 4.bin", aiff)},
                      data={"parent_folder_id": place["folder"]["id"], "label": "line 4"})
    rec = ok(reply, 201)
    assert (rec["format"], rec["sample_rate"]) == ("aiff", rate)
    assert rec["duration"] == pytest.approx(len(speech) / rate, abs=1e-3)
    wav = http.get(rec["url"])
    assert wav.headers["content-type"] == "audio/wav"
    served, served_rate = sf.read(io.BytesIO(wav.content), dtype="float32")
    assert served_rate == rate and len(served) == len(speech)
    assert np.max(np.abs(served - speech)) < 1e-4
    assert http.get(rec["url"], params={"format": "original"}).content == aiff
    # cut off mid-transfer: libsndfile would read the half that is there and say nothing
    cut = http.post("/api/recordings", files={"data": ("cut.aif", aiff[: len(aiff) // 2])},
                    data={"parent_folder_id": place["folder"]["id"]})
    assert cut.status_code == 422 and "AIFF header says" in message(cut), cut.text


def test_json_base64_upload(http: httpx.Client, place: dict[str, Any]) -> None:
    audio = wav_bytes(0.3)
    reply = http.post("/api/recordings", json={
        "file": base64.b64encode(audio).decode(), "parent_folder_id": place["folder"]["id"],
        "label": "from json"})
    rec = ok(reply, 201)
    assert rec["label"] == "from json" and rec["size"] == len(audio)


def test_waveform_peaks_at_several_zoom_levels(http: httpx.Client,
                                               speech_take: dict[str, Any],
                                               speech_path: Path) -> None:
    samples, _rate = sf.read(str(speech_path), dtype="float32")
    overview = ok(wait_for_waveform(http, speech_take["id"]))
    assert len(overview["levels"]) >= 3
    assert len(overview["peaks"]) <= 4096
    finest = ok(wait_for_waveform(http, speech_take["id"], level=0))
    spp = finest["samples_per_peak"]
    assert spp == overview["levels"][0]
    peaks = np.array(finest["peaks"])
    assert len(peaks) == -(-len(samples) // spp)
    loudest = int(np.argmax(np.abs(samples)))
    block = samples[(loudest // spp) * spp:(loudest // spp + 1) * spp]
    assert peaks[loudest // spp][0] == pytest.approx(block.min(), abs=1e-3)
    assert peaks[loudest // spp][1] == pytest.approx(block.max(), abs=1e-3)
    zoomed = ok(wait_for_waveform(http, speech_take["id"], samples_per_pixel=5000))
    assert spp < zoomed["samples_per_peak"] <= 5000
    span = ok(wait_for_waveform(http, speech_take["id"], level=0, start_frame=16000,
                                end_frame=32000))
    assert len(span["peaks"]) == pytest.approx(16000 / spp, abs=2)
    binary = wait_for_waveform(http, speech_take["id"], format="binary")
    assert binary.content[:4] == b"VXPK"
    assert http.get(f"/api/recordings/{speech_take['id']}/waveform",
                    params={"level": 99}).status_code == 422


def test_lists_originals_and_conversions(http: httpx.Client, live_server: LiveServer) -> None:
    project = make_project(http, "Listing")
    folder = make_folder(http, project["id"])
    takes = [upload(http, folder["id"], f"take {i}") for i in range(3)]
    conversions = [add_conversion(live_server, takes[0], voice_name=name)
                   for name in ("Marcus", "Elena")]
    everything = ok(http.get("/api/recordings", params={"folder_id": folder["id"]}))
    assert everything["pagination"]["count"] == 5
    originals = ok(http.get("/api/recordings/originals", params={"folder_id": folder["id"]}))
    assert [r["label"] for r in originals["list"]] == ["take 0", "take 1", "take 2"]
    newest_first = ok(http.get("/api/recordings/originals", params={
        "folder_id": folder["id"], "direction": "desc", "limit": 2}))
    assert [r["label"] for r in newest_first["list"]] == ["take 2", "take 1"]
    assert newest_first["pagination"] == {"count": 3, "limit": 2, "offset": 0}
    listed = ok(http.get("/api/recordings/conversions", params={"original_id": takes[0]["id"]}))
    assert [r["id"] for r in listed["list"]] == conversions
    assert {r["type"] for r in listed["list"]} == {"conversion"}
    assert listed["list"][0]["original_id"] == takes[0]["id"]
    by_project = ok(http.get("/api/recordings", params={"project_id": project["id"],
                                                        "offset": 4}))
    assert len(by_project["list"]) == 1 and by_project["pagination"]["count"] == 5
    assert http.get("/api/recordings").status_code == 422  # which folder or project?
    assert http.get("/api/recordings", params={"folder_id": "../etc"}).status_code == 422
    assert http.get("/api/recordings", params={"folder_id": str(uuid.uuid4())}).status_code == 404
    unconverted = http.get(f"/api/recordings/{conversions[0]}/file")
    assert unconverted.status_code == 409  # no audio yet: says so rather than 500
    assert http.get(f"/api/recordings/{conversions[0]}/waveform").status_code == 409


def test_patch_put_and_move(http: httpx.Client, live_server: LiveServer) -> None:
    project = make_project(http, "Edits")
    first, second = make_folder(http, project["id"], "A"), make_folder(http, project["id"], "B")
    take = upload(http, first["id"], "raw")
    conversion = add_conversion(live_server, take)
    patched = ok(http.patch(f"/api/recordings/{take['id']}", json={"starred": True}))
    assert patched["starred"] is True and patched["label"] == "raw"
    patched = ok(http.patch(f"/api/recordings/{take['id']}", json={"label": "../keeper"}))
    assert patched["label"] == "../keeper" and patched["starred"] is True
    assert http.put(f"/api/recordings/{take['id']}", json={"label": "x"}).status_code == 422
    replaced = ok(http.put(f"/api/recordings/{take['id']}", json={
        "label": "final", "starred": False, "parent_folder_id": second["id"],
        "listen_count": 3}))
    assert (replaced["label"], replaced["starred"], replaced["listen_count"]) == \
        ("final", False, 3)
    assert replaced["parent_folder_id"] == second["id"]
    moved = ok(http.get(f"/api/recordings/{conversion}"))
    assert moved["parent_folder_id"] == second["id"]  # conversions follow their original
    for bad in ({"label": ""}, {"listen_count": -1}, {"starred": "maybe"},
                {"parent_folder_id": "nope"}):
        assert http.patch(f"/api/recordings/{take['id']}", json=bad).status_code == 422, bad
    assert http.patch(f"/api/recordings/{take['id']}",
                      json={"parent_folder_id": str(uuid.uuid4())}).status_code == 404


def _quiet_blob_keys(server: LiveServer, timeout_s: float = 120) -> set[str]:
    """The stored blobs once the service has no job queued or running (an earlier test's
    peaks, conversions or noise measures land their blobs when they end, seconds later)."""
    engine = create_engine(db_url(server))
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                busy = conn.execute(text(
                    "SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')")).scalar_one()
            if busy == 0:
                return blob_keys(server)
            time.sleep(0.2)
    finally:
        engine.dispose()
    raise AssertionError(f"background jobs still busy after {timeout_s} s")


def test_delete_removes_conversions_and_blobs(http: httpx.Client,
                                              live_server: LiveServer) -> None:
    project = make_project(http, "Deletes")
    folder = make_folder(http, project["id"])
    before = _quiet_blob_keys(live_server)  # earlier takes' peaks and transcripts landed
    take = upload(http, folder["id"], "doomed")
    wait_for_waveform(http, take["id"])
    assert len(blob_keys(live_server) - before) == 2  # the audio and its peaks
    conversion = add_conversion(live_server, take)
    deleted = ok(http.delete(f"/api/recordings/{take['id']}"))
    assert deleted["id"] == take["id"]
    assert http.get(f"/api/recordings/{take['id']}").status_code == 404
    assert http.get(f"/api/recordings/{conversion}").status_code == 404
    assert blob_keys(live_server) == before
    assert http.delete(f"/api/recordings/{take['id']}").status_code == 404


def test_upload_refused_leaves_nothing(http: httpx.Client, live_server: LiveServer,
                                       place: dict[str, Any]) -> None:
    before = blob_keys(live_server)
    count = ok(http.get("/api/recordings", params={"project_id": place["project"]["id"]}))
    cases = [
        ({"data": ("a.wav", wav_bytes())}, {}),  # no folder
        ({"data": ("a.wav", wav_bytes())}, {"parent_folder_id": "../../x"}),
        ({"data": ("a.wav", wav_bytes())}, {"parent_folder_id": str(uuid.uuid4())}),
        ({"data": ("a.wav", wav_bytes())}, {"parent_folder_id": place["folder"]["id"],
                                            "label": "\x07bell"}),
        ({"data": ("a.wav", b"RIFF....WAVEfmt garbage")},
         {"parent_folder_id": place["folder"]["id"]}),
    ]
    for files, data in cases:
        reply = http.post("/api/recordings", files=files, data=data)
        assert 400 <= reply.status_code < 500, (data, reply.text)
        assert message(reply)
    assert blob_keys(live_server) == before
    after = ok(http.get("/api/recordings", params={"project_id": place["project"]["id"]}))
    assert after["pagination"]["count"] == count["pagination"]["count"]


def test_export_original_with_conversions(http: httpx.Client, live_server: LiveServer) -> None:
    project = make_project(http, "One take")
    folder = make_folder(http, project["id"])
    take = upload(http, folder["id"], "hero line")
    starred = add_conversion(live_server, take, voice_name="Elena", starred=True)
    plain = add_conversion(live_server, take, voice_name="Marcus")
    ok(http.post("/api/notes", json={"recording_id": starred, "text": "use this one"}), 201)
    reply = http.get("/api/recordings/export", params={"original_id": take["id"]})
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/zip"
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(reply.content)).read("manifest.json"))
    entries = {e["id"]: e for e in manifest["recordings"]}
    assert set(entries) == {take["id"], starred, plain}
    assert entries[starred]["voice"] == "Elena" and entries[starred]["semitones"] == 2
    assert entries[starred]["note"] == "use this one" and entries[starred]["starred"] is True
    only = http.get("/api/recordings/export", params={"original_id": take["id"],
                                                      "starred_only": True})
    ids = {e["id"] for e in json.loads(zipfile.ZipFile(io.BytesIO(only.content))
                                       .read("manifest.json"))["recordings"]}
    assert ids == {take["id"], starred}
    assert http.get("/api/recordings/export").status_code == 422


def test_lost_audio_file_is_reported_not_a_crash(http: httpx.Client,
                                                 live_server: LiveServer) -> None:
    project = make_project(http, "Lost")
    folder = make_folder(http, project["id"])
    before = blob_keys(live_server)
    kept = upload(http, folder["id"], "kept", content=wav_bytes(freq_hz=330.0))
    wait_for_waveform(http, kept["id"])
    lost = upload(http, folder["id"], "lost", content=wav_bytes(freq_hz=440.0))
    wait_for_waveform(http, lost["id"])
    original_of = {http.get(r["url"], params={"format": "original"}).content: r["id"]
                   for r in (kept, lost)}
    for key in blob_keys(live_server) - before:  # remove the lost take's audio by hand
        if original_of.get(read_blob(live_server.data_dir, key)) == lost["id"]:
            remove_blob(live_server.data_dir, key)
    missing = http.get(lost["url"])
    assert missing.status_code == 410 and "missing" in message(missing)
    archive = zipfile.ZipFile(io.BytesIO(ok_bytes(http.get(
        f"/api/projects/{project['id']}/export"))))
    paths = {e["id"]: e["path"] for e in json.loads(archive.read("manifest.json"))["recordings"]}
    assert paths[lost["id"]] is None and paths[kept["id"]] in archive.namelist()


def ok_bytes(reply: httpx.Response) -> bytes:
    assert reply.status_code == 200, reply.text
    return reply.content
