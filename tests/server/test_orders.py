"""Orders v2 on a live service: real speech converted into voices at the promised pitch, credits
charged and refunded, retries, cancellation by deletion, and every bad order refused with
nothing queued."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import soundfile as sf
from sqlalchemy import create_engine, text

from tests.engine.measure import praat_formants_hz
from tests.server.helpers import db_url, make_folder, make_project, message, ok, second_user, upload
from tests.support.blob_store import blob_set_aside
from tests.support.server import LiveServer
from tests.support.speech import praat_median_f0_hz, repeated_speech_wav

ELENA = "54f14355-addb-56c4-87fd-50e71757bf3d"  # pitch 205 Hz, accent es-ES
MARCUS = "66780a99-3d85-59fa-896e-f6b3d531fa1e"  # pitch 98 Hz, accent en-US
MARCUS_ACCENT = "96ed8120"  # prefix; the full id comes from the voice list
VOICE_PITCH_HZ = {ELENA: 205.0, MARCUS: 98.0}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # Other users start with 3 credits here, so running out is quick to reach.
    live = LiveServer(data_dir=tmp_path_factory.mktemp("orders") / "data",
                      extra_env={"VOXBOOTH_NEW_USER_CREDITS": "3"}).start()
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
    return make_folder(http, make_project(http, "Orders")["id"])


@pytest.fixture(scope="module")
def original(http: httpx.Client, folder: dict[str, Any], speech_path: Path) -> dict[str, Any]:
    return upload(http, folder["id"], "arctic", path=speech_path)


def wait_final(http: httpx.Client, rec_id: str, timeout_s: float = 120.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        rec = ok(http.get(f"/api/recordings/{rec_id}"))
        if rec["state"] in ("done", "error"):
            return dict(rec)
        time.sleep(0.2)
    raise AssertionError(f"conversion {rec_id} not finished: {rec}")


def credits(http: httpx.Client) -> int:
    return int(ok(http.get("/api/credits"))["credits"])


def audio_of(http: httpx.Client, rec_id: str) -> tuple[np.ndarray, int]:
    reply = http.get(f"/api/recordings/{rec_id}/file")
    assert reply.status_code == 200, reply.text
    samples, rate_hz = sf.read(io.BytesIO(reply.content), dtype="float64")
    return samples, int(rate_hz)


def db_count(server: LiveServer, sql: str, **params: Any) -> int:
    engine = create_engine(db_url(server))
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql), params).scalar_one())
    finally:
        engine.dispose()


def cents(measured_hz: float, expected_hz: float) -> float:
    return float(1200.0 * np.log2(measured_hz / expected_hz))


def test_two_voices_land_on_their_pitch_with_the_original_length(
        http: httpx.Client, original: dict[str, Any], speech_path: Path) -> None:
    before = credits(http)
    body = {"original_id": original["id"], "conversions": [
        {"voice_id": ELENA, "semitones_correction": 2, "label": "Elena up two"},
        {"voice_id": MARCUS, "semitones_correction": -1}]}
    ordered = ok(http.post("/api/v2/orders", json=body), 201)
    assert [c["model_id"] for c in ordered] == [ELENA, MARCUS]
    assert [c["model_name"] for c in ordered] == ["Elena", "Marcus"]
    assert all(c["type"] == "conversion" and c["original_id"] == original["id"]
               and c["state"] == "new" and c["process_stage"] == "queued" for c in ordered)
    assert ordered[0]["label"] == "Elena up two"
    assert ordered[1]["params"]["semitones_correction"] == -1
    assert credits(http) == before - 2  # 4 s is one started minute, per voice
    source, source_rate = sf.read(speech_path, dtype="float64")
    outputs = []
    for conversion in ordered:
        done = wait_final(http, conversion["id"])
        assert done["state"] == "done", done["error"]
        assert done["progress"] == 1.0 and done["converted_at"]
        assert done["process_stage"] == "done"
        samples, rate_hz = audio_of(http, done["id"])
        assert rate_hz == source_rate
        assert abs(samples.shape[0] / rate_hz - source.shape[0] / source_rate) <= 0.010
        assert abs(done["duration"] - original["duration"]) <= 0.010
        semitones = done["params"]["semitones_correction"]
        expected_hz = VOICE_PITCH_HZ[done["model_id"]] * 2.0 ** (semitones / 12.0)
        measured_hz = praat_median_f0_hz(samples, rate_hz)
        assert abs(cents(measured_hz, expected_hz)) <= 25.0, (done["model_name"], measured_hz)
        assert np.max(np.abs(samples)) <= 1.0
        outputs.append(samples)
        peaks = http.get(f"/api/recordings/{done['id']}/waveform")
        assert peaks.status_code == 200 and peaks.json()
    # two different people: Elena's vocal tract is shorter than Marcus's, so her resonances
    # (F1-F3, as Praat measures them) sit well above his, beyond what pitch alone would move
    elena_formants = praat_formants_hz(outputs[0], source_rate, 5500.0)
    marcus_formants = praat_formants_hz(outputs[1], source_rate, 5000.0)
    assert float(np.mean(elena_formants / marcus_formants)) > 1.08, (elena_formants,
                                                                    marcus_formants)
    listed = ok(http.get("/api/recordings/conversions", params={"original_id": original["id"]}))
    assert {c["id"] for c in ordered} <= {c["id"] for c in listed["list"]}
    assert credits(http) == before - 2  # nothing refunded: both succeeded


def test_stats_count_real_conversions(http: httpx.Client, original: dict[str, Any]) -> None:
    stats = ok(http.get("/api/stats"))
    done = [c for c in ok(http.get("/api/recordings/conversions",
                                   params={"original_id": original["id"]}))["list"]
            if c["state"] == "done"]
    assert stats["conversions"]["completed"] >= len(done) >= 2
    assert stats["time_converted"]["total"] >= sum(c["duration"] for c in done) - 1e-6
    by_model = {m["id"]: m for m in stats["models"]}
    assert by_model[ELENA]["conversions_count"] >= 1 and by_model[ELENA]["converted_time"] > 3.9


def test_bad_orders_are_refused_with_nothing_queued(
        server: LiveServer, http: httpx.Client, folder: dict[str, Any],
        original: dict[str, Any]) -> None:
    voices = ok(http.get("/api/v2/voices", params={"limit": 100}))["list"]
    elena = next(v for v in voices if v["id"] == ELENA)
    marcus = next(v for v in voices if v["id"] == MARCUS)
    tts = ok(http.post("/api/v2/recordings/tts", json={
        "parent_folder_id": folder["id"], "text": "A short line to convert.",
        "text_language": "en"}), 201)
    conversion = ok(http.post("/api/v2/orders", json={
        "original_id": original["id"], "conversions": [{"voice_id": MARCUS}]}), 201)[0]
    wait_final(http, conversion["id"])
    other_key = second_user(server, "other-orders@example.com")
    with server.client(other_key) as other:
        others_original = upload(other, make_folder(other, make_project(other)["id"])["id"])
    jobs_before = db_count(server, "SELECT count(*) FROM jobs WHERE kind = 'convert'")
    rows_before = db_count(server, "SELECT count(*) FROM recordings WHERE type = 'conversion'")
    credits_before = credits(http)
    unknown = "00000000-0000-4000-8000-000000000000"

    def order(body: dict[str, Any]) -> httpx.Response:
        return http.post("/api/v2/orders", json=body)

    one = {"original_id": original["id"]}
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({**one, "conversions": [{"voice_id": unknown}]}, 404, "Voice not found"),
        ({**one, "conversions": [{"voice_id": ELENA, "accent_id": marcus["accents"][0]["id"]}]},
         422, "not one of voice 'Elena'"),
        ({"original_id": tts["id"], "conversions": [{"voice_id": ELENA}]}, 422,
         "narration_style_id is required"),
        ({"original_id": tts["id"], "conversions": [
            {"voice_id": ELENA, "narration_style_id": unknown}]}, 422, "Narration style"),
        ({"original_id": conversion["id"], "conversions": [{"voice_id": ELENA}]}, 422,
         "names a conversion"),
        ({"original_id": others_original["id"], "conversions": [{"voice_id": ELENA}]}, 404,
         "Recording not found"),
        ({"original_id": unknown, "conversions": [{"voice_id": ELENA}]}, 404, "not found"),
        ({**one, "conversions": []}, 422, ""),
        ({**one, "conversions": [{"voice_id": "not-a-uuid"}]}, 422, ""),
        ({**one, "conversions": [{"voice_id": ELENA, "semitones_correction": 99}]}, 422, ""),
        ({**one, "conversions": [{"voice_id": ELENA}], "calibration_id": unknown}, 404,
         "Calibration not found"),
        ({**one, "conversions": [{"voice_id": ELENA}], "use_calibration": True}, 422,
         "no calibration_id"),
        # one bad item spoils the whole order: the good voice before it is not queued either
        ({**one, "conversions": [{"voice_id": ELENA}, {"voice_id": unknown}]}, 404, "Voice"),
    ]
    for body, status, detail in cases:
        reply = order(body)
        assert reply.status_code == status, (body, reply.text)
        assert "detail" in reply.json()
        assert detail in str(message(reply)), (body, reply.text)
    assert elena["accents"]  # the voice list was read
    assert db_count(server, "SELECT count(*) FROM jobs WHERE kind = 'convert'") == jobs_before
    assert db_count(server, "SELECT count(*) FROM recordings WHERE type = 'conversion'") \
        == rows_before
    assert credits(http) == credits_before


def test_insufficient_credits_is_402_and_nothing_queued(server: LiveServer,
                                                        speech_path: Path) -> None:
    key = second_user(server, "poor@example.com")  # 3 credits
    with server.client(key) as poor:
        take = upload(poor, make_folder(poor, make_project(poor)["id"])["id"], path=speech_path)
        jobs_before = db_count(server, "SELECT count(*) FROM jobs WHERE kind = 'convert'")
        four = {"original_id": take["id"], "conversions": [{"voice_id": ELENA}] * 4}
        reply = poor.post("/api/v2/orders", json=four)
        assert reply.status_code == 402, reply.text
        assert "Not enough credits" in message(reply)
        assert "costs 4" in message(reply) and "have 3" in message(reply)
        assert credits(poor) == 3
        assert db_count(server, "SELECT count(*) FROM jobs WHERE kind = 'convert'") \
            == jobs_before
        assert ok(poor.get("/api/recordings/conversions",
                           params={"original_id": take["id"]}))["list"] == []
        three = ok(poor.post("/api/v2/orders", json={**four, "conversions": [
            {"voice_id": ELENA}] * 3}), 201)
        assert len(three) == 3 and credits(poor) == 0
        assert poor.post("/api/v2/orders", json={**four, "conversions": [
            {"voice_id": MARCUS}]}).status_code == 402


def test_failed_conversion_is_refunded_and_retried(server: LiveServer, http: httpx.Client,
                                                   folder: dict[str, Any],
                                                   speech_path: Path) -> None:
    take = upload(http, folder["id"], "to-fail", path=speech_path)
    key = db_text(server, "SELECT blob_key FROM recordings WHERE id = :id", id=take["id"])
    before = credits(http)
    with blob_set_aside(server.data_dir, key):  # the original's audio goes missing
        failed = ok(http.post("/api/v2/orders", json={
            "original_id": take["id"], "conversions": [{"voice_id": ELENA}]}), 201)[0]
        failed = wait_final(http, failed["id"])
    assert failed["state"] == "error" and "missing" in failed["error"]
    assert failed["process_stage"] == "error"
    assert credits(http) == before  # charged, then refunded
    assert http.post(f"/api/v2/orders/retry/{take['id']}").status_code == 422  # an original
    retried = ok(http.post(f"/api/v2/orders/retry/{failed['id']}"))
    assert retried["id"] == failed["id"] and retried["state"] == "new"
    assert retried["error"] is None and retried["process_stage"] == "queued"
    assert credits(http) == before - 1
    done = wait_final(http, failed["id"])
    assert done["state"] == "done", done["error"]
    reply = http.post(f"/api/v2/orders/retry/{failed['id']}")
    assert reply.status_code == 409 and "state: done" in message(reply)
    unknown = http.post("/api/v2/orders/retry/00000000-0000-4000-8000-000000000000")
    assert unknown.status_code == 404


def test_conversion_deleted_while_queued_is_cancelled_and_refunded(
        server: LiveServer, http: httpx.Client, folder: dict[str, Any], speech_path: Path,
        tmp_path: Path) -> None:
    long_take = repeated_speech_wav(speech_path, 3, tmp_path / "twelve.wav")
    take = upload(http, folder["id"], "queue", path=long_take)
    before = credits(http)
    voices = [MARCUS, ELENA, MARCUS, ELENA, MARCUS]
    ordered = ok(http.post("/api/v2/orders", json={
        "original_id": take["id"], "conversions": [{"voice_id": v} for v in voices]}), 201)
    last = ordered[-1]
    ok(http.delete(f"/api/recordings/{last['id']}"))
    for conversion in ordered[:-1]:
        assert wait_final(http, conversion["id"])["state"] == "done"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        state = db_text(server, "SELECT state FROM jobs WHERE subject_id = :id", id=last["id"])
        if state in ("cancelled", "done", "failed"):
            break
        time.sleep(0.2)
    assert state == "cancelled"
    assert credits(http) == before - 4  # the deleted one was given back
    assert http.get(f"/api/recordings/{last['id']}").status_code == 404


def db_text(server: LiveServer, sql: str, **params: Any) -> str:
    engine = create_engine(db_url(server))
    try:
        with engine.connect() as conn:
            return str(conn.execute(text(sql), params).scalar_one())
    finally:
        engine.dispose()


def test_conversion_deleted_while_processing_stops(server: LiveServer, http: httpx.Client,
                                                   folder: dict[str, Any], speech_path: Path,
                                                   tmp_path: Path) -> None:
    # 48 s: the engine cuts it at pauses into chunks and checks between them
    take = upload(http, folder["id"], "long", path=repeated_speech_wav(
        speech_path, 12, tmp_path / "long.wav"))
    before = credits(http)
    conversion = ok(http.post("/api/v2/orders", json={
        "original_id": take["id"], "conversions": [{"voice_id": MARCUS}]}), 201)[0]
    deadline = time.monotonic() + 60
    while ok(http.get(f"/api/recordings/{conversion['id']}"))["state"] == "new" \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    ok(http.delete(f"/api/recordings/{conversion['id']}"))
    assert credits(http) == before  # given back with the delete
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = db_text(server, "SELECT state FROM jobs WHERE subject_id = :id",
                        id=conversion["id"])
        if state not in ("queued", "running"):
            break
        time.sleep(0.2)
    assert state == "cancelled"
    assert credits(http) == before  # and not twice


@pytest.mark.parametrize("kind", ["m4a", "mp3"])
def test_compressed_originals_convert(http: httpx.Client, folder: dict[str, Any],
                                      speech_path: Path, tmp_path: Path, kind: str) -> None:
    from tests.support.audio_files import write_pyav, write_soundfile

    speech, rate_hz = sf.read(speech_path, dtype="float32", always_2d=True)
    path = write_pyav(tmp_path / "take.m4a", speech, rate_hz, "ipod") if kind == "m4a" else \
        write_soundfile(tmp_path / "take.mp3", "mp3", speech, rate_hz)
    take = upload(http, folder["id"], kind, path=path)
    assert take["format"] == kind
    conversion = ok(http.post("/api/v2/orders", json={
        "original_id": take["id"], "conversions": [{"voice_id": ELENA}]}), 201)[0]
    done = wait_final(http, conversion["id"])
    assert done["state"] == "done", done["error"]
    # the same length as the original's audio as the service decodes and serves it
    served, served_rate = audio_of(http, take["id"])
    samples, out_rate = audio_of(http, done["id"])
    assert abs(samples.shape[0] / out_rate - served.shape[0] / served_rate) <= 0.010
    assert abs(cents(praat_median_f0_hz(samples, out_rate), 205.0)) <= 25.0


def test_saved_accent_semitones_are_the_default(http: httpx.Client,
                                                original: dict[str, Any]) -> None:
    voice = next(v for v in ok(http.get("/api/v2/voices", params={"limit": 100}))["list"]
                 if v["id"] == MARCUS)
    accent_id = voice["accents"][0]["id"]
    ok(http.post("/api/v2/voices/settings", json={"voice_id": MARCUS, "accent_id": accent_id,
                                                  "semitones_correction": 3}))
    try:
        saved, given = ok(http.post("/api/v2/orders", json={
            "original_id": original["id"], "conversions": [
                {"voice_id": MARCUS}, {"voice_id": MARCUS, "semitones_correction": -2}]}), 201)
        assert saved["params"]["semitones_correction"] == 3
        assert saved["params"]["accent_id"] == accent_id
        assert given["params"]["semitones_correction"] == -2
        bad_style = http.post("/api/v2/orders", json={
            "original_id": original["id"], "conversions": [
                {"voice_id": MARCUS, "narration_style_id": ELENA}]})
        assert bad_style.status_code == 422 and "Narration style" in bad_style.text
        for rec in (saved, given):
            assert wait_final(http, rec["id"])["state"] == "done"
    finally:
        ok(http.post("/api/v2/voices/settings", json={
            "voice_id": MARCUS, "accent_id": accent_id, "semitones_correction": 0}))


def test_racing_orders_cannot_overspend(server: LiveServer, speech_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    key = second_user(server, "racer@example.com")  # 3 credits: one order of two fits
    with server.client(key) as racer:
        take = upload(racer, make_folder(racer, make_project(racer)["id"])["id"],
                      path=speech_path)
        body = {"original_id": take["id"], "conversions": [{"voice_id": ELENA}] * 2}
        with ThreadPoolExecutor(4) as pool:
            replies = list(pool.map(lambda _: racer.post("/api/v2/orders", json=body),
                                    range(4)))
        assert sorted(r.status_code for r in replies) == [201, 402, 402, 402]
        assert credits(racer) == 1
        listed = ok(racer.get("/api/recordings/conversions", params={"original_id": take["id"]}))
        assert listed["pagination"]["count"] == 2


def test_folder_deleted_with_unfinished_conversions_refunds_them(
        server: LiveServer, http: httpx.Client, speech_path: Path, tmp_path: Path) -> None:
    doomed = make_folder(http, make_project(http, "Doomed")["id"])
    take = upload(http, doomed["id"], "twelve", path=repeated_speech_wav(
        speech_path, 3, tmp_path / "twelve.wav"))
    before = credits(http)
    ordered = ok(http.post("/api/v2/orders", json={
        "original_id": take["id"], "conversions": [{"voice_id": ELENA}] * 6}), 201)
    ok(http.delete(f"/api/folders/{doomed['id']}"))
    ids = [c["id"] for c in ordered]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        states = [db_text(server, "SELECT state FROM jobs WHERE subject_id = :id", id=i)
                  for i in ids]
        if all(s not in ("queued", "running") for s in states):
            break
        time.sleep(0.2)
    assert set(states) <= {"done", "cancelled"} and "cancelled" in states
    # what was made before the delete stays paid for; everything else came back
    assert credits(http) == before - states.count("done")
