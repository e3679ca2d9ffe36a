"""Idempotency-Key on every creating POST of a live service: a repeat answers the first answer
and makes nothing more, the key with another request is refused, duplicates racing (also from
two service processes on one database) make one object."""

from __future__ import annotations

import base64
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.server.helpers import add_conversion, db_url, make_folder, make_project, ok, upload
from tests.support.server import LiveServer
from tests.support.speech import repeated_speech_wav

MARCUS = "66780a99-3d85-59fa-896e-f6b3d531fa1e"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(data_dir=tmp_path_factory.mktemp("idempotency") / "data").start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@dataclass
class World:
    server: LiveServer
    project: dict[str, Any]
    folder: dict[str, Any]
    take: dict[str, Any]
    speech: Path  # real speech, 3.3 s
    long_speech: Path  # the same four times: over the 10 s of calibrations and voice samples
    voice_id: str  # a private voice to add samples to

    def count(self, sql: str) -> int:
        engine = create_engine(db_url(self.server))
        try:
            with engine.connect() as conn:
                return int(conn.execute(text(sql)).scalar_one())
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def world(server: LiveServer, http: httpx.Client, speech_path: Path,
          tmp_path_factory: pytest.TempPathFactory) -> World:
    project = make_project(http, "Idempotency")
    folder = make_folder(http, project["id"])
    take = upload(http, folder["id"], "arctic", path=speech_path)
    long_speech = repeated_speech_wav(speech_path, 4, tmp_path_factory.mktemp("s") / "long.wav")
    voice = ok(http.post("/api/v2/private-voices", json={"name": "Clone"}), 201)
    return World(server, project, folder, take, speech_path, long_speech, voice["id"])


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


Send = Callable[[httpx.Client, World, dict[str, str], int], httpx.Response]


def _multipart(path: str, file_field: str, extra: Callable[[World, int], dict[str, str]],
               audio: Callable[[World], Path]) -> Send:
    def send(http: httpx.Client, w: World, headers: dict[str, str], variant: int
             ) -> httpx.Response:
        data = audio(w).read_bytes()
        return http.post(path.format(voice=w.voice_id), headers=headers,
                         files={file_field: ("take.wav", data, "audio/wav")},
                         data=extra(w, variant))
    return send


def _json(path: str, body: Callable[[World, int], dict[str, Any] | None]) -> Send:
    def send(http: httpx.Client, w: World, headers: dict[str, str], variant: int
             ) -> httpx.Response:
        return http.post(path.format(voice=w.voice_id, take=w.take["id"]), headers=headers,
                         json=body(w, variant))
    return send


def _json_upload(http: httpx.Client, w: World, headers: dict[str, str], variant: int
                 ) -> httpx.Response:
    audio = base64.b64encode(w.speech.read_bytes()).decode()
    return http.post("/api/recordings", headers=headers, json={
        "file": audio, "filename": "take.wav", "parent_folder_id": w.folder["id"],
        "label": f"json {variant}"})


def _take_fields(w: World, variant: int) -> dict[str, str]:
    return {"parent_folder_id": w.folder["id"], "label": f"take {variant}"}


def _note(http: httpx.Client, w: World, headers: dict[str, str], variant: int
          ) -> httpx.Response:
    # one note per recording: each key's test gets a take of its own
    if not hasattr(w, "note_take"):
        w.note_take = upload(http, w.folder["id"], "for a note")  # type: ignore[attr-defined]
    return http.post("/api/notes", headers=headers, json={
        "recording_id": w.note_take["id"], "text": f"breath at 0:02 ({variant})"})  # type: ignore[attr-defined]


def _retry_order(http: httpx.Client, w: World, headers: dict[str, str], variant: int
                 ) -> httpx.Response:
    if not hasattr(w, "failed_id"):
        w.failed_id = add_conversion(w.server, w.take, state="error")  # type: ignore[attr-defined]
    failed: str = w.failed_id  # type: ignore[attr-defined]
    # the variant names another conversion: same key, another path
    target = failed if variant == 0 else str(uuid.uuid4())
    return http.post(f"/api/v2/orders/retry/{target}", headers=headers)


def _tts_v1(http: httpx.Client, w: World, headers: dict[str, str], variant: int
            ) -> httpx.Response:
    voice = ok(http.get("/api/tts-voices"))[0]
    return http.post("/api/recordings/tts", headers=headers, json={
        "project_id": w.project["id"], "parent_folder_id": w.folder["id"],
        "voice_id": voice["id"], "text": f"Chapter {variant + 1}."})


def _balance(w: World) -> int:
    return w.count("SELECT coalesce(sum(delta), 0) FROM credit_entries")


ORIGINALS = "SELECT count(*) FROM recordings WHERE type = 'original'"
CONVERSIONS = "SELECT count(*) FROM recordings WHERE type = 'conversion'"


@dataclass(frozen=True)
class Case:
    name: str
    send: Send
    observe: Callable[[World], object]  # what one call changes and a repeat must not


CASES = [
    Case("project", _json("/api/projects", lambda w, v: {"name": f"Book {v}"}),
         lambda w: w.count("SELECT count(*) FROM projects")),
    Case("folder", _json("/api/folders", lambda w, v: {"name": f"Chapter {v}",
                                                       "project_id": w.project["id"]}),
         lambda w: w.count("SELECT count(*) FROM folders")),
    Case("take, multipart", _multipart("/api/recordings", "data", _take_fields,
                                       lambda w: w.speech),
         lambda w: w.count(ORIGINALS)),
    Case("take, JSON base64", _json_upload, lambda w: w.count(ORIGINALS)),
    Case("note", _note, lambda w: w.count("SELECT count(*) FROM notes")),
    Case("calibration", _multipart("/api/calibration", "data",
                                   lambda w, v: {"name": f"Reading {v}"},
                                   lambda w: w.long_speech),
         lambda w: w.count("SELECT count(*) FROM calibrations")),
    Case("private voice", _json("/api/v2/private-voices", lambda w, v: {"name": f"Me {v}"}),
         lambda w: w.count("SELECT count(*) FROM private_voices")),
    Case("voice (as /api/v2/voices)", _json("/api/v2/voices", lambda w, v: {"name": f"V {v}"}),
         lambda w: w.count("SELECT count(*) FROM private_voices")),
    Case("voice sample", _multipart("/api/v2/private-voices/{voice}/voice-samples/upload",
                                    "file", lambda w, v: {"name": f"sample {v}"},
                                    lambda w: w.long_speech),
         lambda w: w.count("SELECT count(*) FROM voice_samples")),
    Case("voice sample (as /api/v2/voices)",
         _multipart("/api/v2/voices/{voice}/samples/upload", "file",
                    lambda w, v: {"name": f"sample {v}"}, lambda w: w.long_speech),
         lambda w: w.count("SELECT count(*) FROM voice_samples")),
    Case("TTS original", _json("/api/v2/recordings/tts", lambda w, v: {
        "parent_folder_id": w.folder["id"], "text": f"Chapter {v + 1}.",
        "text_language": "en"}), lambda w: w.count(ORIGINALS)),
    Case("TTS original (v1)", _tts_v1, lambda w: w.count(ORIGINALS)),
    Case("order", _json("/api/v2/orders", lambda w, v: {
        "original_id": w.take["id"], "conversions": [{"voice_id": MARCUS,
                                                      "semitones_correction": v}]}),
         lambda w: (w.count(CONVERSIONS), _balance(w))),
    Case("order retry", _retry_order,
         lambda w: (w.count("SELECT count(*) FROM credit_entries"), _balance(w))),
    Case("favourite (a toggle)", _json("/api/v2/voices/favorite/" + MARCUS,
                                       lambda w, v: None if v == 0 else {"x": v}),
         lambda w: w.count("SELECT count(*) FROM voice_settings WHERE favorite")),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_repeat_answers_the_first_answer_and_makes_nothing_more(
        case: Case, http: httpx.Client, world: World) -> None:
    key = _key()
    before = case.observe(world)
    first = case.send(http, world, key, 0)
    assert first.is_success, f"{first.status_code}: {first.text[:300]}"
    assert "idempotent-replayed" not in first.headers
    after_one = case.observe(world)
    assert after_one != before

    repeat = case.send(http, world, key, 0)
    assert repeat.status_code == first.status_code
    assert repeat.content == first.content
    assert repeat.headers["idempotent-replayed"] == "true"
    assert case.observe(world) == after_one

    other = case.send(http, world, key, 1)
    assert other.status_code == 422, other.text
    error = other.json()["detail"][0]
    assert error["loc"] == ["header", "Idempotency-Key"]
    assert "already used for another request" in error["msg"]
    assert case.observe(world) == after_one

    # a new key is a new request
    again = case.send(http, world, _key(), 2)
    assert again.status_code < 300 or case.name in {"note", "order retry"}, again.text


def test_without_a_key_each_post_creates(http: httpx.Client, world: World) -> None:
    before = world.count("SELECT count(*) FROM projects")
    for _ in range(2):
        ok(http.post("/api/projects", json={"name": "No key"}), 201)
    assert world.count("SELECT count(*) FROM projects") == before + 2


@pytest.mark.parametrize("bad", ["", "x" * 256, "caf\u00e9", "tab\there", '""'])
def test_a_bad_key_is_refused_naming_the_header(bad: str, http: httpx.Client,
                                                world: World) -> None:
    before = world.count("SELECT count(*) FROM projects")
    reply = http.post("/api/projects", json={"name": "Bad key"},
                      headers={"Idempotency-Key": bad.encode("utf-8")})
    assert reply.status_code == 422, reply.text
    assert reply.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert world.count("SELECT count(*) FROM projects") == before


def test_a_quoted_key_is_the_same_key(http: httpx.Client, world: World) -> None:
    key = str(uuid.uuid4())
    first = http.post("/api/projects", json={"name": "Q"}, headers={"Idempotency-Key": key})
    quoted = http.post("/api/projects", json={"name": "Q"},
                       headers={"Idempotency-Key": f'"{key}"'})
    assert quoted.headers.get("idempotent-replayed") == "true"
    assert quoted.json()["id"] == ok(first, 201)["id"]
    assert len(key) <= 255 and ok(http.post("/api/projects", json={"name": "Q"}, headers={
        "Idempotency-Key": "k" * 255}), 201)


def test_a_refused_request_keeps_no_key(http: httpx.Client, world: World) -> None:
    """A 4xx created nothing, so its key is not bound: the corrected request may use it."""
    key = _key()
    refused = http.post("/api/folders", headers=key,
                        json={"name": "F", "project_id": str(uuid.uuid4())})
    assert refused.status_code == 404
    made = http.post("/api/folders", headers=key,
                     json={"name": "F", "project_id": world.project["id"]})
    assert made.status_code == 201 and "idempotent-replayed" not in made.headers


def test_keys_are_per_user(server: LiveServer, http: httpx.Client, world: World) -> None:
    from tests.server.helpers import second_user

    other_key = second_user(server, f"idem-{uuid.uuid4().hex[:8]}@example.com")
    key = _key()
    mine = ok(http.post("/api/projects", json={"name": "Shared key"}, headers=key), 201)
    with server.client(other_key) as other:
        theirs = ok(other.post("/api/projects", json={"name": "Shared key"}, headers=key), 201)
    assert theirs["id"] != mine["id"]


def test_the_header_is_documented_on_every_creating_route(http: httpx.Client) -> None:
    schema = ok(http.get("/openapi.json"))
    documented = {
        path for path, methods in schema["paths"].items()
        for method, operation in methods.items() if method == "post"
        and any(p.get("name") == "Idempotency-Key" and p.get("in") == "header"
                for p in operation.get("parameters", []))}
    creating = {"/api/projects", "/api/folders", "/api/recordings", "/api/notes",
                "/api/calibration", "/api/v2/orders", "/api/v2/orders/retry/{recording_id}",
                "/api/v2/recordings/tts", "/api/recordings/tts", "/api/v2/private-voices",
                "/api/v2/voices", "/api/v2/private-voices/{voice_id}/voice-samples/upload",
                "/api/v2/voices/{voice_id}/samples/upload",
                "/api/recordings/{recording_id}/noise-reduction"}
    assert creating <= documented
    assert "409" in schema["paths"]["/api/projects"]["post"]["responses"]
    posts = {path for path, methods in schema["paths"].items() if "post" in methods}
    # what does not take a key: logging in and out, a new API key (its secret is shown once
    # and never stored in clear, so there is no answer to replay), and the pure quote
    assert posts - documented == {"/api/login", "/api/logout", "/api/api-key",
                                  "/api/v2/orders/quote"}


def _race(send: Callable[[], httpx.Response], count: int) -> list[httpx.Response]:
    replies: list[httpx.Response] = []
    lock = threading.Lock()
    start = threading.Barrier(count)

    def one() -> None:
        start.wait()
        reply = send()
        with lock:
            replies.append(reply)

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return replies


def _check_race(replies: list[httpx.Response]) -> None:
    made = [r for r in replies if r.status_code == 201]
    assert made, [r.text for r in replies]
    assert {r.status_code for r in replies} <= {201, 409}, [r.text for r in replies]
    assert len({r.json()["id"] for r in made}) == 1
    for busy in (r for r in replies if r.status_code == 409):
        assert busy.json()["detail"] == "a request with this Idempotency-Key is in progress"
        assert int(busy.headers["retry-after"]) >= 1


def test_concurrent_duplicates_make_one_take(server: LiveServer, world: World,
                                             tmp_path: Path) -> None:
    key = _key()
    before = world.count(ORIGINALS)
    big = repeated_speech_wav(world.speech, 30, tmp_path / "long.wav")  # about 6 MB
    data = big.read_bytes()

    def send() -> httpx.Response:
        with server.client() as http:
            return http.post("/api/recordings", headers=key,
                             files={"data": ("long.wav", data, "audio/wav")},
                             data={"parent_folder_id": world.folder["id"], "label": "race"})

    _check_race(_race(send, 6))
    assert world.count(ORIGINALS) == before + 1


def test_two_service_processes_on_one_database_agree(server: LiveServer, world: World) -> None:
    twin = LiveServer(data_dir=server.data_dir, api_key=server.api_key).start()
    try:
        key = _key()
        before = world.count("SELECT count(*) FROM projects")
        urls = [server.url, twin.url] * 5

        def send() -> httpx.Response:
            with httpx.Client(base_url=urls.pop(), headers={"api-key": server.api_key},
                              timeout=60) as http:
                return http.post("/api/projects", headers=key, json={"name": "Twins"})

        replies = _race(send, len(urls))
        _check_race(replies)
        assert world.count("SELECT count(*) FROM projects") == before + 1
        # and once answered, either process replays it
        for url in (server.url, twin.url):
            with httpx.Client(base_url=url, headers={"api-key": server.api_key}) as http:
                again = http.post("/api/projects", headers=key, json={"name": "Twins"})
            assert again.headers["idempotent-replayed"] == "true"
    finally:
        twin.stop()


def test_expired_keys_are_forgotten_and_swept(server: LiveServer, http: httpx.Client,
                                              world: World) -> None:
    reused, left = _key(), _key()
    first = ok(http.post("/api/projects", json={"name": "Old"}, headers=reused), 201)
    ok(http.post("/api/projects", json={"name": "Left"}, headers=left), 201)
    engine = create_engine(db_url(server))
    with engine.begin() as conn:  # a day later
        conn.execute(text("UPDATE idempotency_keys SET expires_at = '2000-01-01 00:00:00' "
                          "WHERE key IN (:a, :b)"),
                     {"a": reused["Idempotency-Key"], "b": left["Idempotency-Key"]})
    engine.dispose()
    # a process sweeps at its first claim (then every ten minutes): start one
    fresh = LiveServer(data_dir=server.data_dir, api_key=server.api_key).start()
    try:
        with fresh.client() as other:
            again = ok(other.post("/api/projects", json={"name": "Old"}, headers=reused), 201)
    finally:
        fresh.stop()
    assert again["id"] != first["id"]  # forgotten: a new request
    assert world.count("SELECT count(*) FROM idempotency_keys WHERE expires_at < '2001-01-01'") \
        == 0


def _set_claim(server: LiveServer, key: dict[str, str], locked_until: str) -> None:
    """Makes the key's row look like a request still running (or one whose process died)."""
    engine = create_engine(db_url(server))
    with engine.begin() as conn:
        conn.execute(text("UPDATE idempotency_keys SET state = 'in_progress', status = NULL, "
                          "body = NULL, locked_until = :until WHERE key = :key"),
                     {"until": locked_until, "key": key["Idempotency-Key"]})
    engine.dispose()


def test_a_repeat_in_flight_is_told_to_come_back(server: LiveServer, http: httpx.Client,
                                                 world: World) -> None:
    key = _key()
    ok(http.post("/api/projects", json={"name": "Running"}, headers=key), 201)
    _set_claim(server, key, "2999-01-01 00:00:00")
    busy = http.post("/api/projects", json={"name": "Running"}, headers=key)
    assert busy.status_code == 409
    assert busy.json()["detail"] == "a request with this Idempotency-Key is in progress"
    assert busy.headers["retry-after"] == "1"

    # an upload hears it before its body is received (peeked before the body streams)
    take_key = _key()
    upload_args: dict[str, Any] = {
        "files": {"data": ("t.wav", world.speech.read_bytes(), "audio/wav")},
        "data": {"parent_folder_id": world.folder["id"]}}
    ok(http.post("/api/recordings", headers=take_key, **upload_args), 201)
    _set_claim(server, take_key, "2999-01-01 00:00:00")
    before = world.count(ORIGINALS)
    assert http.post("/api/recordings", headers=take_key, **upload_args).status_code == 409
    assert world.count(ORIGINALS) == before


def test_a_claim_abandoned_by_a_dead_process_is_taken_over(server: LiveServer,
                                                           http: httpx.Client,
                                                           world: World) -> None:
    key = _key()
    ok(http.post("/api/projects", json={"name": "Orphan"}, headers=key), 201)
    _set_claim(server, key, "2000-01-01 00:00:00")  # its lease ran out long ago
    taken = http.post("/api/projects", json={"name": "Orphan"}, headers=key)
    assert taken.status_code == 201 and "idempotent-replayed" not in taken.headers
    replay = http.post("/api/projects", json={"name": "Orphan"}, headers=key)
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json()["id"] == taken.json()["id"]
