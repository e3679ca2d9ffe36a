"""`POST /api/recordings` on the real service: issue 2's bad-input matrix and good uploads.

Every bad upload is a 4xx with a detail (never a 500) and leaves no row and no blob behind.
Every good one keeps the original bytes exactly and reports what the audio holds.
"""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import soundfile as sf

from tests.server.helpers import message
from tests.support.audio_files import SOUNDFILE_KINDS, tone, write_kind, write_soundfile
from tests.support.blob_store import blob_keys
from tests.support.leftovers import temporaries
from tests.support.server import LiveServer

MEGABYTE = 1024 * 1024


@pytest.fixture(scope="module")
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    with live_server.client() as client:
        yield client


@pytest.fixture(scope="module")
def folder_id(http: httpx.Client) -> str:
    project = http.post("/api/projects", json={"name": "Uploads"})
    assert project.status_code == 201, project.text
    folder = http.post("/api/folders", json={"name": "Takes", "project_id": project.json()["id"]})
    assert folder.status_code == 201, folder.text
    return str(folder.json()["id"])


def _blob_files(server: LiveServer) -> list[str]:
    return sorted(blob_keys(server.data_dir))


def _temp_files(server: LiveServer) -> list[Path]:
    return temporaries(server.data_dir)


def _recording_count(http: httpx.Client, folder_id: str) -> int:
    reply = http.get("/api/recordings", params={"folder_id": folder_id, "limit": 1})
    assert reply.status_code == 200, reply.text
    return int(reply.json()["pagination"]["count"])


def _wait_for_peaks(http: httpx.Client, folder_id: str) -> None:
    """Waveform peaks are written by a background job: let it land before counting blobs."""
    listing = http.get("/api/recordings", params={"folder_id": folder_id, "limit": 100})
    deadline = time.monotonic() + 20
    for rec in listing.json()["list"]:
        while http.get(f"/api/recordings/{rec['id']}/waveform").status_code == 202:
            assert time.monotonic() < deadline, "waveform peaks never arrived"
            time.sleep(0.05)


@pytest.fixture()
def nothing_left_behind(live_server: LiveServer, http: httpx.Client,
                        folder_id: str) -> Iterator[None]:
    _wait_for_peaks(http, folder_id)
    rows, blobs = _recording_count(http, folder_id), _blob_files(live_server)
    yield
    assert _recording_count(http, folder_id) == rows, "a row was left behind"
    assert _blob_files(live_server) == blobs, "a blob was left behind"
    assert _temp_files(live_server) == [], "a temporary upload was left behind"


def _assert_refused(reply: httpx.Response, status: int, words: str) -> None:
    assert reply.status_code == status, reply.text
    detail = message(reply)
    assert isinstance(detail, str) and words in detail, detail


def _bad_files(tmp: Path) -> dict[str, tuple[bytes, str, int, str]]:
    """name -> (bytes, file name sent, status, words in the detail)."""
    cut = write_kind(tmp, "wav", duration_s=10.0, rate_hz=16000).read_bytes()[: 44 + 6400]
    return {
        "truncated wav": (cut, "take.wav", 422, "WAV header says 10.00 s but the file ends"),
        "random bytes named .wav": (os.urandom(8192), "take.wav", 422,
                                    "Unsupported audio format: application/octet-stream"),
        "text named .mp3": (b"Just some lyrics.\n" * 40, "song.mp3", 422,
                            "Unsupported audio format: text/plain"),
        "zero bytes": (b"", "empty.wav", 422, "empty"),
    }


@pytest.mark.parametrize("case", ["truncated wav", "random bytes named .wav", "text named .mp3",
                                  "zero bytes"])
@pytest.mark.usefixtures("nothing_left_behind")
def test_bad_files_multipart(http: httpx.Client, folder_id: str, tmp_path: Path,
                             case: str) -> None:
    content, name, status, words = _bad_files(tmp_path)[case]
    reply = http.post("/api/recordings", files={"data": (name, content)},
                      data={"parent_folder_id": folder_id, "microphone": "file"})
    _assert_refused(reply, status, words)


@pytest.mark.parametrize("case", ["truncated wav", "random bytes named .wav", "text named .mp3",
                                  "zero bytes"])
@pytest.mark.usefixtures("nothing_left_behind")
def test_bad_files_base64_json(http: httpx.Client, folder_id: str, tmp_path: Path,
                               case: str) -> None:
    content, name, status, words = _bad_files(tmp_path)[case]
    reply = http.post("/api/recordings", json={
        "file": base64.b64encode(content).decode(), "filename": name,
        "parent_folder_id": folder_id})
    _assert_refused(reply, status, words)


@pytest.mark.usefixtures("nothing_left_behind")
def test_broken_base64(http: httpx.Client, folder_id: str) -> None:
    reply = http.post("/api/recordings", json={"file": "UklGRg==!!!not-base64",
                                               "parent_folder_id": folder_id})
    _assert_refused(reply, 422, "not valid base64")


@pytest.mark.usefixtures("nothing_left_behind")
def test_missing_file_field(http: httpx.Client, folder_id: str) -> None:
    reply = http.post("/api/recordings", files={"label": (None, "no audio")},
                      data={"parent_folder_id": folder_id})
    _assert_refused(reply, 422, "No audio file in the request")


@pytest.mark.usefixtures("nothing_left_behind")
def test_missing_folder_with_good_audio(http: httpx.Client, tmp_path: Path) -> None:
    good = write_kind(tmp_path, "wav", duration_s=0.5).read_bytes()
    reply = http.post("/api/recordings", files={"data": ("take.wav", good)})
    assert 400 <= reply.status_code < 500, reply.text
    assert "parent_folder_id" in str(message(reply))


def _zeros_body(total: int) -> Iterator[bytes]:
    yield b'--B0und\r\nContent-Disposition: form-data; name="data"; filename="big.wav"\r\n\r\n'
    block = bytes(MEGABYTE)
    for start in range(0, total, MEGABYTE):
        yield block[: min(MEGABYTE, total - start)]
    yield b"\r\n--B0und--\r\n"


@pytest.mark.parametrize("declare_length", [True, False])
@pytest.mark.usefixtures("nothing_left_behind")
def test_51_megabytes_is_413(http: httpx.Client, declare_length: bool) -> None:
    size = 51 * MEGABYTE
    headers = {"content-type": "multipart/form-data; boundary=B0und"}
    if declare_length:
        headers["content-length"] = str(sum(len(c) for c in _zeros_body(size)))
    reply = http.post("/api/recordings", content=_zeros_body(size), headers=headers)
    _assert_refused(reply, 413, "Audio file exceeds maximum size limit (50 MB)")


# kind -> (sample rate, channels) of odd but valid WAVs and every other format
GOOD_KINDS = {
    "wav_u8": (8000, 1), "wav_24": (44100, 2), "wav_float": (48000, 2), "rf64": (16000, 1),
    "wav": (22050, 1), "flac": (44100, 2), "ogg": (32000, 2), "opus": (48000, 1),
    "mp3": (44100, 2), "mp3_id3": (48000, 2), "m4a": (44100, 2), "aac": (24000, 1),
    "aiff": (44100, 2), "aifc_float": (48000, 1),
}


@pytest.mark.parametrize("kind", sorted(GOOD_KINDS))
def test_good_upload_keeps_original_bytes(http: httpx.Client, folder_id: str, tmp_path: Path,
                                          kind: str) -> None:
    rate_hz, channels = GOOD_KINDS[kind]
    path = write_kind(tmp_path, kind, duration_s=1.25, rate_hz=rate_hz, channels=channels)
    original = path.read_bytes()
    reply = http.post("/api/recordings", files={"data": (f"../../{path.name}", original)},
                      data={"parent_folder_id": folder_id, "label": f"{kind} take",
                            "microphone": "file"})
    assert reply.status_code == 201, reply.text
    rec = reply.json()
    assert rec["file_name"] == path.name
    assert rec["size"] == len(original)
    assert rec["duration"] == pytest.approx(1.25, abs=0.1)
    assert (rec["sample_rate"], rec["channels"]) == (rate_hz, channels)
    kept = http.get(f"/api/recordings/{rec['id']}/file", params={"format": "original"})
    assert kept.status_code == 200
    assert kept.content == original
    as_wav = http.get(f"/api/recordings/{rec['id']}/file")
    assert as_wav.status_code == 200 and as_wav.content[:4] in (b"RIFF", b"RF64")
    served = tmp_path / "served.wav"
    served.write_bytes(as_wav.content)
    info = sf.info(str(served))
    assert (info.samplerate, info.channels) == (rate_hz, channels)
    assert info.duration == pytest.approx(1.25, abs=0.1)


def test_eight_channel_wav_as_base64(http: httpx.Client, folder_id: str, tmp_path: Path) -> None:
    path = write_soundfile(tmp_path / "eight.wav", "wavex", tone(0.5, 16000, 8), 16000)
    original = path.read_bytes()
    reply = http.post("/api/recordings", json={
        "data": base64.b64encode(original).decode(), "parent_folder_id": folder_id,
        "filename": "..\\..\\eight.wav", "label": "eight channels"})
    assert reply.status_code == 201, reply.text
    rec = reply.json()
    assert rec["file_name"] == "eight.wav"
    assert rec["duration"] == pytest.approx(0.5, abs=0.01)
    assert (rec["sample_rate"], rec["channels"]) == (16000, 8)
    kept = http.get(f"/api/recordings/{rec['id']}/file", params={"format": "original"})
    assert kept.content == original


def test_every_soundfile_kind_is_covered() -> None:
    assert set(SOUNDFILE_KINDS) - {"wavex"} <= set(GOOD_KINDS)


@pytest.mark.parametrize("label", ["../../escape/take", "..\\..\\evil", "a/b\\c/.."])
def test_path_separators_in_labels_never_reach_a_path(
        live_server: LiveServer, http: httpx.Client, folder_id: str, tmp_path: Path,
        label: str) -> None:
    good = write_kind(tmp_path, "wav", duration_s=0.3).read_bytes()
    reply = http.post("/api/recordings", files={"data": ("take.wav", good)},
                      data={"parent_folder_id": folder_id, "label": label})
    assert reply.status_code in (201, 422), reply.text
    if reply.status_code == 422:
        assert "label" in str(message(reply))
        return
    served = http.get(f"/api/recordings/{reply.json()['id']}/file", params={"format": "flac"})
    assert served.status_code == 200
    disposition = served.headers["content-disposition"]
    name = disposition.split("filename", 1)[1]
    assert "/" not in name and "\\" not in name and ".." not in name, disposition
    outside = {p.name for p in live_server.data_dir.parent.rglob("*")} - {
        p.name for p in live_server.data_dir.rglob("*")}
    assert not any(n in ("take", "evil", "escape", "c") for n in outside)
