"""Noise reduction on a live service: a noisy take is flagged, cleaned into a new take (the
original kept byte for byte), and an order can convert a cleaned copy."""

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

from tests.engine.test_neural_denoise import mixed, si_snr_db
from tests.server.helpers import make_folder, make_project, ok
from tests.support.server import LiveServer

MARCUS = "66780a99-3d85-59fa-896e-f6b3d531fa1e"


@pytest.fixture(scope="module")
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    with live_server.client() as client:
        yield client


@pytest.fixture(scope="module")
def folder(http: httpx.Client) -> dict[str, Any]:
    return make_folder(http, make_project(http, "Noisy room")["id"])


@pytest.fixture(scope="module")
def speech_48k(speech_path: Path) -> np.ndarray:
    samples, _ = sf.read(speech_path, dtype="float32")  # 16 kHz
    return resample_poly(samples, 3, 1).astype(np.float32)


@pytest.fixture(scope="module")
def noisy_take(http: httpx.Client, folder: dict[str, Any],
               speech_48k: np.ndarray) -> tuple[dict[str, Any], bytes]:
    buffer = io.BytesIO()
    sf.write(buffer, mixed(speech_48k, 5.0), 48_000, format="WAV", subtype="PCM_16")
    data = buffer.getvalue()
    reply = http.post("/api/recordings", files={"data": ("noisy.wav", data, "audio/wav")},
                      data={"parent_folder_id": folder["id"], "label": "noisy",
                            "text": "And you always want to see it in the superlative degree."})
    return dict(ok(reply, 201)), data


def _until(http: httpx.Client, rec_id: str, done: Any, timeout_s: float = 180.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        rec = dict(ok(http.get(f"/api/recordings/{rec_id}")))
        if done(rec) or time.monotonic() > deadline:
            return rec
        time.sleep(0.3)


def _measured(rec: dict[str, Any]) -> bool:
    return "suggest_noise_reduction" in rec["params"]


def test_a_noisy_take_is_flagged_and_cleaned_into_a_new_take(
        http: httpx.Client, noisy_take: tuple[dict[str, Any], bytes],
        speech_48k: np.ndarray) -> None:
    take, data = noisy_take
    flagged = _until(http, take["id"], _measured)
    assert flagged["params"]["suggest_noise_reduction"] is True
    assert flagged["params"]["snr_db"] < 15.0

    cleaning = ok(http.post(f"/api/recordings/{take['id']}/noise-reduction"), 202)
    assert cleaning["id"] != take["id"] and cleaning["type"] == "original"
    assert cleaning["label"] == "noisy (cleaned)" and cleaning["state"] == "processing"
    assert cleaning["params"]["cleaned_from"] == take["id"]
    assert cleaning["text"] == take["text"]  # the script line goes with it
    cleaned = _until(http, cleaning["id"], lambda r: r["state"] in ("done", "error"))
    assert cleaned["state"] == "done", cleaned

    audio = http.get(f"/api/recordings/{cleaned['id']}/file")
    samples, rate_hz = sf.read(io.BytesIO(audio.content), dtype="float32")
    assert rate_hz == 48_000 and len(samples) == len(speech_48k)
    noisy = mixed(speech_48k, 5.0)
    assert si_snr_db(speech_48k, samples) >= si_snr_db(speech_48k, noisy) + 8.0
    assert http.get(f"/api/recordings/{take['id']}/file",
                    params={"format": "original"}).content == data  # the original is kept

    measured = _until(http, cleaned["id"], _measured)
    assert measured["params"]["suggest_noise_reduction"] is False
    assert measured["params"]["noise_floor_db"] < flagged["params"]["noise_floor_db"] - 20.0
    transcript = ok(http.get(f"/api/recordings/{cleaned['id']}/transcript"))
    assert transcript["script"] == take["text"]


def test_an_order_can_convert_a_cleaned_copy(http: httpx.Client,
                                             noisy_take: tuple[dict[str, Any], bytes]) -> None:
    take, _ = noisy_take
    ordered = ok(http.post("/api/v2/orders", json={
        "original_id": take["id"], "noise_reduction": True,
        "conversions": [{"voice_id": MARCUS}]}), 201)
    conversion = ordered[0] if isinstance(ordered, list) else ordered["conversions"][0]
    assert conversion["params"]["noise_reduction"] is True
    done = _until(http, conversion["id"], lambda r: r["state"] in ("done", "error"), 300.0)
    assert done["state"] == "done", done
    audio = http.get(f"/api/recordings/{done['id']}/file")
    samples, rate_hz = sf.read(io.BytesIO(audio.content), dtype="float32")
    # the pauses of a conversion of the cleaned copy are as quiet as a cleaned take's
    from voxbooth.engine.neural.denoise import speech_and_noise_db

    levels = speech_and_noise_db(samples, rate_hz)
    assert levels is not None and levels[1] < -50.0, levels


def test_cleaning_refuses_what_it_cannot_clean(http: httpx.Client,
                                               noisy_take: tuple[dict[str, Any], bytes]) -> None:
    assert http.post("/api/recordings/00000000-0000-4000-8000-000000000000/noise-reduction"
                     ).status_code == 404
