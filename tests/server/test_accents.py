"""Accent samples on a live service: a playable sample in the accent's voice, made once and then
served from the cache (same row, same blob)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx
import numpy as np
import pytest
import soundfile as sf

from tests.server.helpers import message, ok
from tests.support.blob_store import blob_keys
from tests.support.server import LiveServer
from tests.support.speech import praat_median_f0_hz

ELENA = "54f14355-addb-56c4-87fd-50e71757bf3d"  # 205 Hz, accent es-ES


@pytest.fixture(scope="module")
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    with live_server.client() as client:
        yield client


def test_sample_is_playable_and_made_once(live_server: LiveServer, http: httpx.Client) -> None:
    voice = next(v for v in ok(http.get("/api/v2/voices", params={"limit": 100}))["list"]
                 if v["id"] == ELENA)
    accent_id = voice["accents"][0]["id"]
    first = ok(http.get("/api/v2/accents/samples", params={"accent_id": accent_id}))
    assert len(first) == 1
    sample = first[0]
    assert sample["accent_id"] == accent_id and sample["voice_id"] == ELENA
    assert sample["language"] == "es" and sample["text"].startswith("Hola")
    assert sample["url"].startswith(live_server.url + "/")
    audio = http.get(sample["url"])
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/wav"
    samples, rate_hz = sf.read(io.BytesIO(audio.content), dtype="float64")
    assert samples.shape[0] / rate_hz == pytest.approx(sample["duration"], abs=0.01)
    assert 0.05 < np.max(np.abs(samples)) <= 1.0
    # it speaks in the voice: Elena's pitch, not the espeak voice's
    assert abs(1200 * np.log2(praat_median_f0_hz(samples, rate_hz) / 205.0)) < 100
    blobs_before = blob_keys(live_server.data_dir)
    again = ok(http.get("/api/v2/accents/samples", params={"accent_id": accent_id}))
    assert again == first  # same id, same blob key: served from the cache
    assert blob_keys(live_server.data_dir) == blobs_before
    assert http.get(again[0]["url"]).content == audio.content


def test_unknown_or_malformed_accent(http: httpx.Client) -> None:
    unknown = http.get("/api/v2/accents/samples",
                       params={"accent_id": "00000000-0000-4000-8000-000000000000"})
    assert unknown.status_code == 404 and message(unknown) == "Accent not found"
    assert http.get("/api/v2/accents/samples", params={"accent_id": "x"}).status_code == 422
    assert http.get("/api/v2/accents/samples").status_code == 422
    missing = http.get("/api/v2/accents/samples/00000000-0000-4000-8000-000000000000/file")
    assert missing.status_code == 404


def test_samples_need_credentials(live_server: LiveServer) -> None:
    reply = httpx.get(f"{live_server.url}/api/v2/accents/samples",
                      params={"accent_id": "00000000-0000-4000-8000-000000000000"})
    assert reply.status_code == 401
