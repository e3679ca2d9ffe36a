"""The API describes itself: /openapi.json with stable operation ids, and /docs."""

from __future__ import annotations

import time
from typing import Any

import httpx

from tests.server.helpers import make_folder, make_project, upload, wav_bytes
from tests.support.blob_store import blob_keys, blob_set_aside, read_blob, write_blob
from tests.support.server import LiveServer


def test_openapi_has_stable_operation_ids(live_server: LiveServer) -> None:
    spec = httpx.get(f"{live_server.url}/openapi.json", timeout=60).json()
    ids = {(path, method): op["operationId"] for path, item in spec["paths"].items()
           for method, op in item.items()}
    assert len(set(ids.values())) == len(ids)  # unique
    assert ids[("/api/projects", "get")] == "list_projects"
    assert ids[("/api/recordings", "post")] == "create_recording"
    assert ids[("/api/recordings/{recording_id}/file", "get")] == "get_recording_file"
    assert ids[("/api/v2/voices", "get")] == "list_voices"
    upload = spec["paths"]["/api/recordings"]["post"]["requestBody"]["content"]
    assert {"multipart/form-data", "application/json"} <= set(upload)
    docs = httpx.get(f"{live_server.url}/docs", timeout=60)
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_serve_prints_its_url_and_data_dir(live_server: LiveServer) -> None:
    log = live_server.log()
    assert f"http://127.0.0.1:{live_server.port}" in log
    assert f"Data in {live_server.data_dir}" in log


# -- every answer is one the schema documents, with the body it says ----------------------------

def _operation(spec: dict[str, Any], method: str, template: str) -> dict[str, Any]:
    return dict(spec["paths"][template][method.lower()])


def _undocumented(spec: dict[str, Any], method: str, template: str,
                  reply: httpx.Response) -> list[str]:
    """What in `reply` the schema of its operation does not say (empty when all of it does)."""
    where = f"{method} {template} -> {reply.status_code}"
    documented = _operation(spec, method, template)["responses"].get(str(reply.status_code))
    if documented is None:
        return [f"{where}: status not documented ({reply.text[:200]})"]
    media_type = reply.headers.get("content-type", "").split(";")[0].strip()
    content = documented.get("content", {})
    if media_type not in {name.split(";")[0] for name in content}:
        return [f"{where}: content type {media_type} not documented (only {sorted(content)})"]
    problems = []
    schema_ref = content.get(media_type, {}).get("schema", {}).get("$ref", "")
    if schema_ref.endswith("/ErrorResponse") and not isinstance(reply.json().get("detail"), str):
        problems.append(f"{where}: detail is not a string: {reply.text[:200]}")
    if schema_ref.endswith("/ValidationErrorResponse"):
        detail = reply.json().get("detail")
        if not (isinstance(detail, list) and detail
                and all({"loc", "msg", "type"} <= set(item) for item in detail)):
            problems.append(f"{where}: detail is not the [{{loc, msg, type}}] list: "
                            f"{reply.text[:200]}")
    for header in documented.get("headers", {}):
        if header.lower() not in reply.headers:
            problems.append(f"{where}: documented header {header} missing")
    return problems


def _new_blobs(live_server: LiveServer, before: set[str], data: bytes) -> str:
    (key,) = [key for key in blob_keys(live_server.data_dir) - before
              if read_blob(live_server.data_dir, key) == data]
    return key


def test_what_a_route_answers_for_lost_or_damaged_audio_is_documented(
        live_server: LiveServer) -> None:
    """The answers schemathesis cannot provoke: audio lost from the store or damaged in it,
    the waveform while it is computed and as binary, the original's own type."""
    spec = httpx.get(f"{live_server.url}/openapi.json", timeout=60).json()
    file_op, waveform_op = "/api/recordings/{recording_id}/file", \
        "/api/recordings/{recording_id}/waveform"
    export_op = "/api/recordings/export"
    answers: list[tuple[str, str, httpx.Response]] = []
    with live_server.client() as http:
        folder = make_folder(http, make_project(http, "Documented")["id"])
        audio = wav_bytes(duration_s=1.0)
        before = blob_keys(live_server.data_dir)
        take = upload(http, folder["id"], "documented", content=audio)
        answers.append(("GET", waveform_op, http.get(take["waveform_url"])))  # 202 or 200
        deadline = time.monotonic() + 120
        while http.get(take["waveform_url"]).status_code == 202:
            assert time.monotonic() < deadline, "the waveform peaks never arrived"
            time.sleep(0.05)
        key = _new_blobs(live_server, before, audio)
        answers += [
            ("GET", waveform_op, http.get(take["waveform_url"], params={"format": "binary"})),
            ("GET", file_op, http.get(take["url"], params={"format": "original"})),
        ]
        write_blob(live_server.data_dir, key, b"RIFF" + bytes(range(256)) * 8)  # damaged
        answers += [
            ("GET", file_op, http.get(take["url"], params={"format": "mp3"})),
            ("GET", export_op, http.get(export_op, params={"original_id": take["id"],
                                                           "format": "flac"})),
        ]
        with blob_set_aside(live_server.data_dir, key):  # lost
            answers += [("GET", file_op, http.get(take["url"])),
                        ("GET", file_op, http.get(take["url"], params={"format": "ogg"}))]
    statuses = [reply.status_code for _method, _template, reply in answers]
    assert statuses[1:] == [200, 200, 422, 422, 410, 410], [r.text[:200] for *_, r in answers]
    problems = [problem for method, template, reply in answers
                for problem in _undocumented(spec, method, template, reply)]
    assert problems == [], "\n".join(problems)


def test_every_error_status_is_documented_with_a_body(live_server: LiveServer) -> None:
    """Each operation documents the statuses its dependencies and work can answer, each with
    the body the service sends (the list for 422, `{"detail": "..."}` for the rest)."""
    spec = httpx.get(f"{live_server.url}/openapi.json", timeout=60).json()
    problems = []
    for path, item in spec["paths"].items():
        for operation in item.values():
            name = operation["operationId"]
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) and not response.get("content"):
                    problems.append(f"{name} {status}: no body documented")
            if name == "health":
                continue
            missing = {"503", "507"} - set(operation["responses"])
            if missing:
                problems.append(f"{name}: {sorted(missing)} not documented")
            if "{" in path and "422" not in operation["responses"]:
                problems.append(f"{name}: a path id that does not parse answers 422")
    assert problems == [], "\n".join(problems)
