"""`receive_upload` behind a real uvicorn on loopback: multipart, base64 JSON, limits, memory."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server.helpers import message
from tests.support.server import free_port
from voxbooth.server.uploads import safe_filename

MAX_BYTES = 50 * 1024 * 1024
MEGABYTE = 1024 * 1024
TOO_LARGE = "Audio file exceeds maximum size limit (50 MB)"


class UploadServer:
    def __init__(self, tmp_dir: Path, log_path: Path) -> None:
        self.tmp_dir = tmp_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        with log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.support.upload_app", str(self.port),
                 str(tmp_dir), str(MAX_BYTES)],
                stdout=log, stderr=subprocess.STDOUT, cwd=Path(__file__).parents[2])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(log_path.read_text())

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def memory(self) -> dict[str, int]:
        return httpx.get(f"{self.url}/memory").json()

    def leftovers(self) -> list[Path]:
        return list(self.tmp_dir.iterdir()) if self.tmp_dir.exists() else []


@pytest.fixture(scope="module")
def upload_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UploadServer]:
    base = tmp_path_factory.mktemp("uploads")
    server = UploadServer(base / "tmp", base / "server.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def client(upload_server: UploadServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=upload_server.url, timeout=60) as http:
        yield http
    assert upload_server.leftovers() == [], "a temporary upload file was left behind"


AUDIO = b"RIFF" + os.urandom(3000)


def test_multipart_data_field_keeps_bytes_and_text_fields(client: httpx.Client) -> None:
    reply = client.post("/upload", files={"data": ("take one.wav", AUDIO, "audio/wav")},
                        data={"label": "Take 1", "microphone": "file"})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["sha256"] == hashlib.sha256(AUDIO).hexdigest()
    assert body["size_bytes"] == len(AUDIO)
    assert body["filename"] == "take one.wav"
    assert body["fields"] == {"label": "Take 1", "microphone": "file"}
    assert body["content_type"] == "audio/wav"


def test_multipart_file_field_as_in_seed_000(client: httpx.Client) -> None:
    reply = client.post("/upload", files={"file": ("voice_sample.wav", AUDIO)},
                        data={"name": "Professional Voice", "tags": "professional,clear"})
    assert reply.status_code == 200, reply.text
    assert reply.json()["fields"]["tags"] == "professional,clear"
    assert reply.json()["sha256"] == hashlib.sha256(AUDIO).hexdigest()


@pytest.mark.parametrize(("sent", "kept"), [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\take.wav", "take.wav"),
    ("/abs/path/take.wav", "take.wav"),
    ("..", None),
    ("dir/", None),
])
def test_file_names_keep_only_a_safe_basename(client: httpx.Client, sent: str,
                                               kept: str | None) -> None:
    reply = client.post("/upload", files={"data": (sent, AUDIO)})
    assert reply.status_code == 200, reply.text
    assert reply.json()["filename"] == kept


@pytest.mark.parametrize(("sent", "kept"), [
    ("bad\x00name.wav", "badname.wav"),
    ("C:\\Users\\me\\take.wav", "take.wav"),
    ("a/../../..", None),
    ("x" * 300 + ".flac", "x" * 250 + ".flac"),
    ("", None),
])
def test_safe_filename(sent: str, kept: str | None) -> None:
    assert safe_filename(sent) == kept


def test_json_base64_as_in_seed_001(client: httpx.Client) -> None:
    encoded = base64.b64encode(AUDIO).decode()
    reply = client.post("/upload", json={"file": encoded, "label": "JSON take", "starred": True,
                                         "filename": "../x/take.wav"})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["sha256"] == hashlib.sha256(AUDIO).hexdigest()
    assert body["fields"]["label"] == "JSON take"
    assert body["fields"]["starred"] == "true"
    assert body["filename"] == "take.wav"


def test_json_base64_with_escaped_slashes_line_breaks_and_data_uri(client: httpx.Client) -> None:
    encoded = base64.encodebytes(AUDIO).decode()  # 76-character lines
    raw = json.dumps({"data": "data:audio/wav;base64," + encoded}).replace("/", "\\/")
    reply = client.post("/upload", content=raw, headers={"content-type": "application/json"})
    assert reply.status_code == 200, reply.text
    assert reply.json()["sha256"] == hashlib.sha256(AUDIO).hexdigest()


@pytest.mark.parametrize(("body", "status", "words"), [
    ({"file": "not base64 at all!!"}, 422, "not valid base64"),
    ({"file": "QUJD" * 10 + "A"}, 422, "not valid base64"),
    ({"file": "QQ==QUJD"}, 422, "not valid base64"),
    ({"file": 12345}, 422, "must be a base64 string"),
    ({"label": "no audio"}, 422, "No audio file"),
    ({"file": ""}, 422, "empty"),
])
def test_json_bad_bodies(client: httpx.Client, body: dict[str, object], status: int,
                         words: str) -> None:
    reply = client.post("/upload", json=body)
    assert reply.status_code == status, reply.text
    assert words in message(reply)


@pytest.mark.parametrize("raw", [b'{"file": "QUJD"', b'["QUJD"]', b'{"file": "QUJD"} x',
                                 b"{file: 1}"])
def test_malformed_json_is_a_400(client: httpx.Client, raw: bytes) -> None:
    reply = client.post("/upload", content=raw, headers={"content-type": "application/json"})
    assert reply.status_code == 400, reply.text
    assert "Malformed JSON body" in message(reply)


def test_multipart_without_the_file_field(client: httpx.Client) -> None:
    reply = client.post("/upload", files={"label": (None, "only text")})
    assert reply.status_code == 422
    assert message(reply) == (
        "No audio file in the request: send it in the field 'data' or 'file'")


def test_multipart_file_in_another_field_is_named(client: httpx.Client) -> None:
    reply = client.post("/upload", files={"audio": ("take.wav", AUDIO)})
    assert reply.status_code == 422
    assert "'audio'" in message(reply)


def test_multipart_empty_file(client: httpx.Client) -> None:
    reply = client.post("/upload", files={"data": ("take.wav", b"")})
    assert reply.status_code == 422
    assert message(reply) == "The uploaded audio file is empty (0 bytes)"


def test_multipart_cut_before_closing_boundary(client: httpx.Client) -> None:
    head = b"--XyZ\r\nContent-Disposition: form-data; name=\"data\"; filename=\"a.wav\"\r\n\r\n"
    reply = client.post("/upload", content=head + AUDIO,
                        headers={"content-type": "multipart/form-data; boundary=XyZ"})
    assert reply.status_code == 400
    assert "closing boundary" in message(reply)


def test_other_content_types_are_415(client: httpx.Client) -> None:
    reply = client.post("/upload", content=AUDIO, headers={"content-type": "audio/wav"})
    assert reply.status_code == 415
    assert "audio/wav" in message(reply)


def _zeros(total: int, chunk: int = MEGABYTE) -> Iterator[bytes]:
    block = bytes(chunk)
    for start in range(0, total, chunk):
        yield block[: min(chunk, total - start)]


_PART_HEAD = b'--XyZ\r\nContent-Disposition: form-data; name="data"; filename="big.wav"\r\n\r\n'
_PART_TAIL = b"\r\n--XyZ--\r\n"


def _multipart_stream(total: int) -> Iterator[bytes]:
    yield _PART_HEAD
    yield from _zeros(total)
    yield _PART_TAIL


def test_51_megabytes_refused_from_content_length(client: httpx.Client,
                                                  upload_server: UploadServer) -> None:
    size = 51 * MEGABYTE
    envelope = len(_PART_HEAD) + len(_PART_TAIL)
    before = upload_server.memory()
    reply = client.post(
        "/upload", content=_multipart_stream(size),
        headers={"content-type": "multipart/form-data; boundary=XyZ",
                 "content-length": str(size + envelope)})
    assert reply.status_code == 413
    assert message(reply) == TOO_LARGE
    after = upload_server.memory()
    # The limit is checked before the body is read: the server cannot have grown by the body.
    assert after["peak_rss_bytes"] - before["peak_rss_bytes"] < size // 4


def test_51_megabytes_refused_while_streaming_without_content_length(
        client: httpx.Client, upload_server: UploadServer) -> None:
    size = 51 * MEGABYTE
    before = upload_server.memory()
    reply = client.post("/upload", content=_multipart_stream(size),
                        headers={"content-type": "multipart/form-data; boundary=XyZ"})
    assert reply.status_code == 413
    assert message(reply) == TOO_LARGE
    after = upload_server.memory()
    growth = after["peak_rss_bytes"] - before["peak_rss_bytes"]
    print(f"peak RSS growth on a streamed 51 MB refusal: {growth / MEGABYTE:.1f} MB")
    assert growth < size // 4


def test_51_megabytes_of_base64_json_refused(client: httpx.Client,
                                             upload_server: UploadServer) -> None:
    size = 51 * MEGABYTE  # decoded size; the JSON body is 4/3 of that

    def body() -> Iterator[bytes]:
        yield b'{"label": "big", "file": "'
        for chunk in _zeros(size, 3 * 256 * 1024):
            yield base64.b64encode(chunk)
        yield b'"}'

    before = upload_server.memory()
    reply = client.post("/upload", content=body(), headers={"content-type": "application/json"})
    assert reply.status_code == 413
    assert message(reply) == TOO_LARGE
    growth = upload_server.memory()["peak_rss_bytes"] - before["peak_rss_bytes"]
    assert growth < size // 4


def _curl(url: str, *args: str) -> tuple[int, dict[str, object], int]:
    """Status, JSON body and how many bytes curl sent."""
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    done = subprocess.run(
        [curl, "-sS", "-o", "-", "-w", "\\n%{size_upload}\\n%{http_code}", *args, url],
        capture_output=True, timeout=60, check=True)
    body, sent, code = done.stdout.rsplit(b"\n", 2)
    return int(code), json.loads(body), int(sent)


def test_curl_as_in_seed_000(upload_server: UploadServer, tmp_path: Path) -> None:
    sample = tmp_path / "voice_sample.wav"
    sample.write_bytes(AUDIO)
    status, body, _ = _curl(f"{upload_server.url}/upload", "-F", f"file=@{sample}",
                         "-F", "name=Professional Voice", "-F", "tags=professional,clear")
    assert status == 200
    assert body["filename"] == "voice_sample.wav"
    assert body["fields"] == {"name": "Professional Voice", "tags": "professional,clear"}


def test_curl_51_megabytes_gets_413_without_sending_it(upload_server: UploadServer,
                                                       tmp_path: Path) -> None:
    big = tmp_path / "big.wav"
    with big.open("wb") as out:
        out.truncate(51 * MEGABYTE)  # sparse: costs no disk
    # curl asks "Expect: 100-continue" first; the 413 comes before any body is sent
    status, body, sent = _curl(f"{upload_server.url}/upload", "-F", f"data=@{big}")
    assert status == 413
    assert sent < MEGABYTE
    assert body == {"detail": TOO_LARGE}
    assert upload_server.leftovers() == []


# Last in the module: accepting 50 MB raises the server's peak RSS mark the tests above compare.
@pytest.mark.parametrize("encoding", ["multipart", "json-wrapped-base64"])
def test_exactly_the_limit_is_accepted(client: httpx.Client, encoding: str) -> None:
    block = bytes(range(256)) * (3 * 1024)  # 768 KiB, a multiple of 3 for base64

    def blocks() -> Iterator[bytes]:
        for _ in range(MAX_BYTES // len(block)):
            yield block
        yield block[: MAX_BYTES % len(block)]

    digest = hashlib.sha256()
    for piece in blocks():
        digest.update(piece)
    if encoding == "multipart":
        content: Iterator[bytes] = _multipart_stream_of(blocks())
        ctype = "multipart/form-data; boundary=XyZ"
    else:
        content = _json_stream_of(blocks())
        ctype = "application/json"
    reply = client.post("/upload", content=content, headers={"content-type": ctype})
    assert reply.status_code == 200, reply.text
    assert reply.json()["size_bytes"] == MAX_BYTES
    assert reply.json()["sha256"] == digest.hexdigest()


def _multipart_stream_of(pieces: Iterator[bytes]) -> Iterator[bytes]:
    yield _PART_HEAD
    yield from pieces
    yield _PART_TAIL


def _json_stream_of(pieces: Iterator[bytes]) -> Iterator[bytes]:
    yield b'{"label": "at the limit", "file": "'
    for piece in pieces:
        # base64 -w 76 style lines, newlines escaped as JSON requires
        yield base64.encodebytes(piece).replace(b"\n", b"\\n")
    yield b'"}'
