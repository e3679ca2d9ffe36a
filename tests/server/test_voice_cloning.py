"""Voice cloning on a live service, in seed 000's manner: a private voice, samples uploaded to it
(formats, limits, error codes and the `voice_sample` answer), `uploaded -> processing -> ready |
failed`, and the ready voice listed as private and ordered: speaker A lands on speaker B's pitch."""

from __future__ import annotations

import io
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import soundfile as sf

from tests.server.helpers import make_folder, make_project, message, ok, second_user, upload
from tests.support.blob_store import blob_exists
from tests.support.server import LiveServer
from tests.support.speech import praat_median_f0_hz, repeated_speech_wav
from voxbooth.resources import resources_dir

VOICES = "/api/v2/private-voices"


@pytest.fixture(scope="module")
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    with live_server.client() as client:
        yield client


@pytest.fixture(scope="module")
def speaker_b(http: httpx.Client) -> tuple[bytes, float]:
    """Speaker B: espeak-ng's female English voice reading the calibration prompt (made by the
    service's own TTS route), as WAV bytes and its median f0 by Praat."""
    folder = make_folder(http, make_project(http, "Speaker B")["id"])
    # espeak-ng by name: the natural English voice (listed first) is female too, and its
    # intonation follows the text, so its median is a looser target than this test's 50 cents
    voice = next(v for v in ok(http.get("/api/tts-voices"))
                 if v["name"] == "espeak en female")
    prompts = json.loads((resources_dir() / "prompts" / "calibration_prompts.json").read_text())
    made = ok(http.post("/api/recordings/tts", json={
        "project_id": folder["project_id"], "parent_folder_id": folder["id"], "label": "B",
        "voice_id": voice["id"], "text": prompts["prompts"]["en"]}), 201)
    content = http.get(f"/api/recordings/{made['id']}/file").content
    samples, rate_hz = sf.read(io.BytesIO(content), dtype="float64")
    assert samples.shape[0] / rate_hz > 10.0
    return content, praat_median_f0_hz(samples, rate_hz)


def upload_sample(http: httpx.Client, voice_id: str, content: bytes, ext: str = "wav",
                  **fields: str) -> httpx.Response:
    return http.post(f"{VOICES}/{voice_id}/voice-samples/upload", data=fields,
                     files={"file": (f"sample.{ext}", content, "application/octet-stream")})


def wait_voice(http: httpx.Client, voice_id: str, timeout_s: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        voice = ok(http.get(f"{VOICES}/{voice_id}"))
        if voice["status"] in ("ready", "failed"):
            return dict(voice)
        time.sleep(0.2)
    raise AssertionError(f"voice {voice_id} still {voice['status']}")


def announce_upload(server: LiveServer, path: str, length: int) -> tuple[int, bytes]:
    """Headers of a `length`-byte multipart upload and no body: the answer must not wait for it."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall((f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\napi-key: {server.api_key}"
                      "\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                      f"Content-Length: {length}\r\n\r\n").encode())
        reply = b""
        while b"\r\n\r\n" not in reply or len(reply.split(b"\r\n\r\n", 1)[1]) < 10:
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def cents(measured_hz: float, expected_hz: float) -> float:
    return float(1200 * np.log2(measured_hz / expected_hz))


def test_cloned_voice_takes_speaker_a_to_speaker_b(http: httpx.Client, speech_path: Path,
                                                   speaker_b: tuple[bytes, float]) -> None:
    content, b_median_hz = speaker_b
    voice = ok(http.post(VOICES, json={"name": "Narrator B", "gender": "female"}), 201)
    assert voice["status"] == "uploaded" and voice["samples"] == []
    private = ok(http.get("/api/v2/voices", params={"visibility": "private"}))["list"]
    assert voice["id"] not in {v["id"] for v in private}  # not ready: not offered yet
    reply = upload_sample(http, voice["id"], content, name="Clear read",
                          description="Studio read", tags="clear, studio")
    answer = ok(reply)
    assert answer["success"] is True
    sample = answer["voice_sample"]
    assert {"id", "name", "filename", "status", "created_at"} <= set(sample)
    assert sample["status"] == "uploaded" and sample["name"] == "Clear read"
    assert sample["filename"] == "sample.wav" and sample["tags"] == "clear,studio"
    ready = wait_voice(http, voice["id"])
    assert ready["status"] == "ready", ready["error"]
    assert [s["status"] for s in ready["samples"]] == ["ready"]
    assert abs(cents(ready["pitch"], b_median_hz)) <= 50.0
    listed = ok(http.get("/api/v2/voices", params={"visibility": "private"}))["list"]
    mine = next(v for v in listed if v["id"] == voice["id"])
    assert mine["visibility"] == "private" and mine["name"] == "Narrator B"
    # its own accent has a playable sample in the cloned voice
    accent = ok(http.get("/api/v2/accents/samples", params={"accent_id": mine["accents"][0]["id"]}))
    assert accent[0]["voice_id"] == voice["id"]
    heard, heard_rate = sf.read(io.BytesIO(http.get(accent[0]["url"]).content))
    assert abs(cents(praat_median_f0_hz(heard, heard_rate), b_median_hz)) <= 100.0
    folder = make_folder(http, make_project(http, "Cloned")["id"])
    take = upload(http, folder["id"], "speaker A", path=speech_path)
    conversion = ok(http.post("/api/v2/orders", json={
        "original_id": take["id"], "conversions": [{"voice_id": voice["id"]}]}), 201)[0]
    assert conversion["model_name"] == "Narrator B"
    deadline = time.monotonic() + 120
    while (done := ok(http.get(f"/api/recordings/{conversion['id']}")))["state"] not in (
            "done", "error") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert done["state"] == "done", done["error"]
    audio, rate_hz = sf.read(io.BytesIO(http.get(f"/api/recordings/{done['id']}/file").content))
    a_median_hz = praat_median_f0_hz(sf.read(speech_path)[0], rate_hz)
    assert abs(cents(a_median_hz, b_median_hz)) > 600  # A and B really are far apart
    assert abs(cents(praat_median_f0_hz(audio, rate_hz), b_median_hz)) <= 50.0


def test_bad_samples_are_refused_and_leave_nothing(live_server: LiveServer, http: httpx.Client,
                                                   speech_path: Path) -> None:
    voice = ok(http.post(VOICES, json={"name": "Strict"}), 201)
    short = upload_sample(http, voice["id"], speech_path.read_bytes())
    assert short.status_code == 422
    assert message(short) == "Audio is 4 s long; voice samples need 10 s to 10 min"
    buffer = io.BytesIO()  # 10 min 1 s, 9.6 MB: under the size limit, over the length limit
    sf.write(buffer, np.zeros(601 * 8000), 8000, format="WAV", subtype="PCM_16")
    too_long = upload_sample(http, voice["id"], buffer.getvalue())
    assert too_long.status_code == 422
    assert message(too_long) == ("Audio is 10 min 1 s long; voice samples need 10 s to "
                                         "10 min")
    text = upload_sample(http, voice["id"], b"just some text\n" * 100, ext="mp3")
    assert text.status_code == 422
    assert message(text).startswith("Unsupported audio format: ")
    status, body = announce_upload(live_server, f"{VOICES}/{voice['id']}/voice-samples/upload",
                                   51 * 1024 * 1024)
    assert status == 413 and "maximum size" in json.loads(body)["detail"]
    unknown = upload_sample(http, "00000000-0000-4000-8000-000000000000",
                            speech_path.read_bytes())
    assert unknown.status_code == 404
    other = second_user(live_server, "clone-other@example.com")
    with live_server.client(other) as them:
        assert upload_sample(them, voice["id"], speech_path.read_bytes()).status_code == 404
        assert them.get(f"{VOICES}/{voice['id']}").status_code == 404
        for private in ok(http.get("/api/v2/voices", params={"visibility": "private"}))["list"]:
            accent_id = private["accents"][0]["id"]
            assert them.get("/api/v2/accents/samples",
                            params={"accent_id": accent_id}).status_code == 404
    assert http.post(VOICES, json={"name": ""}).status_code == 422
    assert ok(http.get(f"{VOICES}/{voice['id']}/voice-samples")) == []
    assert ok(http.get(f"{VOICES}/{voice['id']}"))["status"] == "uploaded"


def test_sample_without_speech_fails_with_the_reason(live_server: LiveServer, http: httpx.Client,
                                                     speech_path: Path, tmp_path: Path) -> None:
    voice = ok(http.post(VOICES, json={"name": "Silent"}), 201)
    buffer = io.BytesIO()
    sf.write(buffer, np.zeros(12 * 16000), 16000, format="FLAC")
    ok(upload_sample(http, voice["id"], buffer.getvalue(), ext="flac"))
    failed = wait_voice(http, voice["id"])
    assert failed["status"] == "failed" and "no voiced speech" in failed["error"]
    assert [s["status"] for s in failed["samples"]] == ["failed"]
    # a good sample next to it makes the voice ready; deleting the voice removes it everywhere
    ok(upload_sample(http, voice["id"],
                     repeated_speech_wav(speech_path, 3, tmp_path / "a.wav").read_bytes()))
    ready = wait_voice(http, voice["id"])
    assert ready["status"] == "ready"
    assert sorted(s["status"] for s in ready["samples"]) == ["failed", "ready"]
    listed = ok(http.get("/api/v2/voices", params={"visibility": "private"}))["list"]
    accent_id = next(v for v in listed if v["id"] == voice["id"])["accents"][0]["id"]
    sample = ok(http.get("/api/v2/accents/samples", params={"accent_id": accent_id}))[0]
    ok(http.delete(f"{VOICES}/{voice['id']}"))
    assert http.get(f"{VOICES}/{voice['id']}").status_code == 404
    assert http.get(sample["url"]).status_code == 404  # its cached accent sample went too
    assert not blob_exists(live_server.data_dir, sample["key"])
    private = ok(http.get("/api/v2/voices", params={"visibility": "private"}))["list"]
    assert voice["id"] not in {v["id"] for v in private}


def test_the_same_steps_under_the_voices_collection(http: httpx.Client,
                                                    speech_path: Path, tmp_path: Path) -> None:
    voice = ok(http.post("/api/v2/voices", json={"name": "Alias"}), 201)
    assert voice["status"] == "uploaded" and voice["visibility"] == "private"
    reading = repeated_speech_wav(speech_path, 3, tmp_path / "a.wav").read_bytes()
    reply = http.post(f"/api/v2/voices/{voice['id']}/samples/upload",
                      files={"file": ("a.wav", reading, "audio/wav")}, data={"name": "A"})
    assert ok(reply)["voice_sample"]["status"] == "uploaded"
    assert wait_voice(http, voice["id"])["status"] == "ready"
    ok(http.delete(f"{VOICES}/{voice['id']}"))
