"""`GET /api/limits` of a server configured with another upload limit, which it then enforces;
`POST /api/v2/orders/quote` against what the service really charges, at the minute boundaries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import soundfile as sf
from sqlalchemy import create_engine, text

from tests.api.conftest import write_silent_wav
from tests.server.helpers import db_url, make_folder, make_project, message, ok
from tests.support.server import LiveServer
from voxbooth.engine import calibrate, clone
from voxbooth.server.media import limits as media_limits

MARCUS = "66780a99-3d85-59fa-896e-f6b3d531fa1e"
ELENA = "54f14355-addb-56c4-87fd-50e71757bf3d"
RATE_HZ = 48_000
LIMIT_BYTES = 20_000_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(data_dir=tmp_path_factory.mktemp("limits") / "data",
                      extra_env={"VOXBOOTH_MAX_UPLOAD_BYTES": str(LIMIT_BYTES),
                                 "VOXBOOTH_NEW_USER_CREDITS": "3"}).start()
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
    return make_folder(http, make_project(http, "Limits")["id"])


def _count(server: LiveServer, sql: str) -> int:
    engine = create_engine(db_url(server))
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


def test_limits_are_the_configured_and_enforced_ones(http: httpx.Client,
                                                     server: LiveServer) -> None:
    limits = ok(http.get("/api/limits"))
    assert limits["max_upload_bytes"] == LIMIT_BYTES
    assert limits["audio"] == {
        "min_channels": media_limits.MIN_CHANNELS, "max_channels": media_limits.MAX_CHANNELS,
        "min_sample_rate_hz": media_limits.MIN_SAMPLE_RATE_HZ,
        "max_sample_rate_hz": media_limits.MAX_SAMPLE_RATE_HZ,
        "formats": ["aac", "aiff", "flac", "m4a", "mp3", "ogg", "opus", "wav"]}
    assert limits["take"] == {"max_duration_s": media_limits.TAKE_MAX_S}
    assert limits["calibration"] == {"min_duration_s": 10.0, "max_duration_s": 600.0,
                                     "min_voiced_s": calibrate.MIN_VOICED_S}
    assert limits["voice_sample"] == {"min_duration_s": 10.0, "max_duration_s": 600.0,
                                      "min_voiced_s": clone.MIN_VOICED_S}
    assert limits["max_conversions_per_order"] == 32


def test_limits_need_credentials(server: LiveServer) -> None:
    assert httpx.get(f"{server.url}/api/limits").status_code == 401


def test_the_configured_limit_refuses_a_30_mb_take(http: httpx.Client, server: LiveServer,
                                                   folder: dict[str, Any],
                                                   tmp_path: Path) -> None:
    big = write_silent_wav(tmp_path / "30mb.wav", 30_000_000)
    before = _count(server, "SELECT count(*) FROM recordings")
    with big.open("rb") as data:
        reply = http.post("/api/recordings", files={"data": ("30mb.wav", data, "audio/wav")},
                          data={"parent_folder_id": folder["id"]})
    assert reply.status_code == 413, reply.text
    assert "maximum size" in reply.json()["detail"]
    assert _count(server, "SELECT count(*) FROM recordings") == before
    # and what the limits say fits, fits
    fits = write_silent_wav(tmp_path / "19mb.wav", LIMIT_BYTES - 1_000_000)
    with fits.open("rb") as data:
        reply = http.post("/api/recordings", files={"data": ("19mb.wav", data, "audio/wav")},
                          data={"parent_folder_id": folder["id"]})
    assert reply.status_code == 201, reply.text


def test_a_layout_outside_the_limits_is_refused(http: httpx.Client, folder: dict[str, Any],
                                                tmp_path: Path) -> None:
    path = tmp_path / "6k.wav"
    sf.write(path, np.zeros(6000, dtype=np.int16), 6000, subtype="PCM_16")
    with path.open("rb") as data:
        reply = http.post("/api/recordings", files={"data": ("6k.wav", data, "audio/wav")},
                          data={"parent_folder_id": folder["id"]})
    assert reply.status_code == 422
    assert "6000 Hz" in message(reply) and "8000 Hz" in message(reply)


def _tone_take(http: httpx.Client, folder: dict[str, Any], frames: int,
               tmp_path: Path) -> dict[str, Any]:
    t = np.arange(frames) / RATE_HZ
    samples = (3000 * np.sin(2 * np.pi * 150.0 * t)).astype(np.int16)
    path = tmp_path / f"{frames}.wav"
    sf.write(path, samples, RATE_HZ, subtype="PCM_16")
    with path.open("rb") as data:
        reply = http.post("/api/recordings", files={"data": (path.name, data, "audio/wav")},
                          data={"parent_folder_id": folder["id"], "label": f"{frames} frames"})
    return dict(ok(reply, 201))


def _balance(http: httpx.Client) -> int:
    return int(ok(http.get("/api/credits"))["credits"])


MINUTE = 60 * RATE_HZ
BOUNDARIES = [  # (frames at 48 kHz, credits per voice the service charges)
    (RATE_HZ, 1),
    (MINUTE, 1),
    (MINUTE + 1, 1),  # a sample over is within the rule's 60 us tolerance
    (MINUTE + 3, 2),  # three are not
    (MINUTE + RATE_HZ, 2),
    (2 * MINUTE, 2),
    (2 * MINUTE + 1, 2),
    (2 * MINUTE + RATE_HZ, 3),
]


@pytest.mark.parametrize(("frames", "per_voice"), BOUNDARIES,
                         ids=[f"{f / RATE_HZ:.5f}s" for f, _ in BOUNDARIES])
def test_the_quote_is_what_the_order_charges(frames: int, per_voice: int, http: httpx.Client,
                                             server: LiveServer, folder: dict[str, Any],
                                             tmp_path: Path) -> None:
    take = _tone_take(http, folder, frames, tmp_path)
    body = {"original_id": take["id"],
            "conversions": [{"voice_id": MARCUS}, {"voice_id": ELENA}]}
    conversions_before = _count(server, "SELECT count(*) FROM recordings WHERE type = "
                                        "'conversion'")
    balance = _balance(http)
    quote = ok(http.post("/api/v2/orders/quote", json=body))
    assert quote == {"credits": 2 * per_voice, "per_voice": per_voice, "balance": balance,
                     "enough": True}
    # a quote writes nothing
    assert _balance(http) == balance
    assert _count(server, "SELECT count(*) FROM recordings WHERE type = 'conversion'") \
        == conversions_before

    conversions = ok(http.post("/api/v2/orders", json=body), 201)
    charged = balance - _balance(http)
    # deleting the unfinished conversions refunds them and spares the machine the work
    for conversion in conversions:
        http.delete(f"/api/recordings/{conversion['id']}")
    assert charged == quote["credits"]


def test_a_quote_refuses_what_the_order_would(http: httpx.Client, folder: dict[str, Any],
                                              tmp_path: Path) -> None:
    take = _tone_take(http, folder, RATE_HZ, tmp_path)
    missing = http.post("/api/v2/orders/quote", json={
        "original_id": "00000000-0000-0000-0000-000000000000",
        "conversions": [{"voice_id": MARCUS}]})
    assert missing.status_code == 404
    unknown_voice = http.post("/api/v2/orders/quote", json={
        "original_id": take["id"], "conversions": [{"voice_id": take["id"]}]})
    assert unknown_voice.status_code == 404
    nothing = http.post("/api/v2/orders/quote", json={"original_id": take["id"],
                                                       "conversions": []})
    assert nothing.status_code == 422


def test_a_quote_says_when_the_balance_is_short(server: LiveServer, folder: dict[str, Any],
                                               http: httpx.Client, tmp_path: Path) -> None:
    from tests.server.helpers import second_user

    poor = second_user(server, "poor@example.com")  # new users get 3 credits here
    take = _tone_take(http, folder, RATE_HZ, tmp_path)
    with server.client(poor) as other:
        project = make_project(other, "Mine")
        theirs = make_folder(other, project["id"])
        with (tmp_path / f"{RATE_HZ}.wav").open("rb") as data:
            mine = ok(other.post("/api/recordings", files={"data": ("t.wav", data, "audio/wav")},
                                 data={"parent_folder_id": theirs["id"]}), 201)
        body = {"original_id": mine["id"], "conversions": [{"voice_id": MARCUS}] * 4}
        quote = ok(other.post("/api/v2/orders/quote", json=body))
        assert quote == {"credits": 4, "per_voice": 1, "balance": 3, "enough": False}
        assert other.post("/api/v2/orders", json=body).status_code == 402
        assert _balance(other) == 3
        # another user's take is not theirs to price
        assert other.post("/api/v2/orders/quote", json={
            "original_id": take["id"], "conversions": [{"voice_id": MARCUS}]}).status_code == 404
