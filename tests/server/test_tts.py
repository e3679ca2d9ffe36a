"""TTS on a live service: espeak-ng voices, originals spoken from text in detected or given
languages, the deprecated v1 route, and narration styles shaping a TTS original's conversion."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import soundfile as sf

from tests.server.helpers import make_folder, make_project, message, ok, second_user
from tests.support.server import LiveServer

ELENA = "54f14355-addb-56c4-87fd-50e71757bf3d"


@pytest.fixture(scope="module")
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    with live_server.client() as client:
        yield client


@pytest.fixture(scope="module")
def folder(http: httpx.Client) -> dict[str, Any]:
    return make_folder(http, make_project(http, "Narration")["id"])


def speak(http: httpx.Client, folder_id: str, words: str, **extra: Any) -> httpx.Response:
    return http.post("/api/v2/recordings/tts",
                     json={"parent_folder_id": folder_id, "text": words, **extra})


def duration_of(http: httpx.Client, rec_id: str) -> float:
    reply = http.get(f"/api/recordings/{rec_id}/file")
    assert reply.status_code == 200, reply.text
    info = sf.info(io.BytesIO(reply.content))
    return float(info.frames / info.samplerate)


def test_tts_voices_cover_several_languages(http: httpx.Client) -> None:
    voices = ok(http.get("/api/tts-voices"))
    assert {"id", "visibility", "name", "f0", "is_default"} <= set(voices[0])
    assert len({v["language"] for v in voices}) >= 5
    assert sum(v["is_default"] for v in voices) == 1
    assert all(v["f0"] > 50 for v in voices)


def test_language_is_detected_when_not_given(http: httpx.Client, folder: dict[str, Any]) -> None:
    english = ok(speak(http, folder["id"], "The quick brown fox jumps over the lazy dog today."),
                 201)
    german = ok(speak(http, folder["id"], "Der schnelle braune Fuchs springt heute über den "
                                          "faulen Hund.", label="Fuchs"), 201)
    assert english["tts"] is True and english["type"] == "original"
    assert english["text"] == "The quick brown fox jumps over the lazy dog today."
    assert english["params"] == {"text_language": "en", "language_detected": True}
    assert german["params"] == {"text_language": "de", "language_detected": True}
    assert german["label"] == "Fuchs" and german["tts_voice"].startswith("espeak de")
    assert english["state"] == "done" and english["duration"] > 1.5
    assert duration_of(http, english["id"]) == pytest.approx(english["duration"], abs=0.01)
    given = ok(speak(http, folder["id"], "Bonjour à tous.", text_language="fr"), 201)
    assert given["params"] == {"text_language": "fr", "language_detected": False}


def test_bad_tts_requests(live_server: LiveServer, http: httpx.Client,
                          folder: dict[str, Any]) -> None:
    before = ok(http.get("/api/recordings", params={"folder_id": folder["id"],
                                                    "limit": 1000}))["pagination"]["count"]
    cases = [
        (speak(http, folder["id"], "Hello there.", text_language="xx"), 422, "not supported"),
        (speak(http, folder["id"], "   "), 422, "empty"),
        (speak(http, folder["id"], "x" * 5001), 422, ""),
        (speak(http, "00000000-0000-4000-8000-000000000000", "Hello."), 404, "Folder"),
        (http.post("/api/v2/recordings/tts", json={"text": "Hello."}), 422, ""),
    ]
    other = second_user(live_server, "tts-other@example.com")
    with live_server.client(other) as them:
        cases.append((speak(them, folder["id"], "Hello."), 404, "Folder not found"))
    for reply, status, detail in cases:
        assert reply.status_code == status, reply.text
        assert detail in str(message(reply))
    after = ok(http.get("/api/recordings", params={"folder_id": folder["id"],
                                                   "limit": 1000}))["pagination"]["count"]
    assert after == before


def test_deprecated_v1_route_takes_a_tts_voice(http: httpx.Client,
                                               folder: dict[str, Any]) -> None:
    voices = ok(http.get("/api/tts-voices"))
    spanish = next(v for v in voices if v["language"] == "es" and "female" in v["name"])
    body = {"project_id": folder["project_id"], "parent_folder_id": folder["id"],
            "label": "Hola", "voice_id": spanish["id"], "text": "Hola, ¿qué tal estás hoy?"}
    made = ok(http.post("/api/recordings/tts", json=body), 201)
    assert made["tts_voice_id"] == spanish["id"] and made["tts_voice"] == spanish["name"]
    assert made["label"] == "Hola" and made["tts"] is True
    unknown = http.post("/api/recordings/tts", json={
        **body, "voice_id": "00000000-0000-4000-8000-000000000000"})
    assert unknown.status_code == 422 and "Unknown TTS voice" in message(unknown)
    other_project = make_project(http, "Elsewhere")
    wrong = http.post("/api/recordings/tts", json={**body, "project_id": other_project["id"]})
    assert wrong.status_code == 422 and "not a folder of project_id" in message(wrong)
    spec = ok(http.get("/openapi.json"))
    assert spec["paths"]["/api/recordings/tts"]["post"].get("deprecated") is True


def test_narration_styles_shape_the_conversion(http: httpx.Client,
                                               folder: dict[str, Any]) -> None:
    original = ok(speak(http, folder["id"], "Once upon a time, in a quiet studio, a voice "
                                            "artist read a story. Then she paused, and smiled.",
                        text_language="en"), 201)
    voice = next(v for v in ok(http.get("/api/v2/voices", params={"limit": 100}))["list"]
                 if v["id"] == ELENA)
    styles = {s["info"]["name"]: s["id"] for s in voice["narration_styles"]}
    ordered = ok(http.post("/api/v2/orders", json={"original_id": original["id"], "conversions": [
        {"voice_id": ELENA, "narration_style_id": styles["Calm"]},
        {"voice_id": ELENA, "narration_style_id": styles["Energetic"]}]}), 201)
    assert ordered[0]["params"]["narration_style"] == "Calm"
    durations = []
    for rec in ordered:
        deadline = time.monotonic() + 120
        while (done := ok(http.get(f"/api/recordings/{rec['id']}")))["state"] not in (
                "done", "error") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert done["state"] == "done", done["error"]
        durations.append(duration_of(http, rec["id"]))
    calm_s, energetic_s = durations
    # a calm read is slower with longer pauses; an energetic one quicker than the original
    assert calm_s > original["duration"] * 1.05
    assert energetic_s < original["duration"] * 0.95
