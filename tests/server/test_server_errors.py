"""Every failure is a 4xx with a detail, or a 503/507 that says what is wrong; the connection
stays usable after each. Generated from the live OpenAPI schema where the class is "every
string field" or "every path"."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.server.helpers import make_folder, make_project, message, wav_bytes
from tests.support.server import LiveServer

UNSAFE = ("post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    with live_server.client() as client:
        yield client


@pytest.fixture(scope="module")
def spec(live_server: LiveServer) -> dict[str, Any]:
    return dict(httpx.get(f"{live_server.url}/openapi.json").json())


def schema_ref(ref: str) -> list[str]:
    return ref.removeprefix("#/").split("/")


def deref(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = spec
        for part in schema_ref(schema["$ref"]):
            node = node[part]
        schema = node
    if "anyOf" in schema:  # Optional[X]: the non-null member
        members = [deref(spec, s) for s in schema["anyOf"] if s.get("type") != "null"]
        return members[0] if members else {"type": "null"}
    return schema


def sample(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A value of the schema's shape (enough for a body to reach its string fields)."""
    schema = deref(spec, schema)
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object" or "properties" in schema:
        return {name: sample(spec, sub) for name, sub in schema.get("properties", {}).items()
                if deref(spec, sub).get("format") not in ("binary", "byte")}
    if kind == "array":
        return [sample(spec, schema.get("items", {}))] * max(1, schema.get("minItems", 1))
    if kind == "string":
        return str(uuid.uuid4()) if schema.get("format") == "uuid" else "x"
    if kind in ("integer", "number"):
        return max(0, schema.get("minimum", 0))
    if kind == "boolean":
        return False
    return None


def string_paths(spec: dict[str, Any], schema: dict[str, Any],
                 at: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Every place in a body of this schema that holds free text."""
    schema = deref(spec, schema)
    if schema.get("type") == "string" and "enum" not in schema and schema.get("format") not in (
            "uuid", "binary", "byte", "date-time"):
        yield at
    for name, sub in schema.get("properties", {}).items():
        yield from string_paths(spec, sub, (*at, name))
    if schema.get("type") == "array":
        yield from string_paths(spec, schema.get("items", {}), (*at, 0))


def _put(body: Any, path: tuple[str | int, ...], value: Any) -> None:
    for part in path[:-1]:
        body = body[part]
    body[path[-1]] = value


def json_string_fields(spec: dict[str, Any]) -> list[tuple[str, str, tuple[str | int, ...]]]:
    cases = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            content = op.get("requestBody", {}).get("content", {})
            if method in UNSAFE and "application/json" in content:
                schema = content["application/json"]["schema"]
                cases += [(method, path, at) for at in string_paths(spec, schema)]
    return cases


def test_a_lone_surrogate_in_any_string_field_is_422_naming_it(
        http: httpx.Client, spec: dict[str, Any], live_server: LiveServer) -> None:
    cases = json_string_fields(spec)
    fields = {(m, p, at[0]) for m, p, at in cases}
    # the creating and updating routes with text in their JSON bodies are all here
    assert ("post", "/api/projects", "name") in fields
    assert ("patch", "/api/recordings/{recording_id}", "label") in fields
    assert ("post", "/api/recordings", "label") in fields  # the base64 JSON upload
    assert len(cases) >= 15, cases
    for method, path, at in cases:
        op = spec["paths"][path][method]
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        body = sample(spec, schema)
        if path == "/api/recordings":
            body["file"] = "UklGRg=="
        _put(body, at, "\ud800")
        url = path.format(**{name: uuid.uuid4() for name in _path_names(path)})
        reply = http.request(method.upper(), url, content=json.dumps(body).encode(),
                             headers={"content-type": "application/json"})
        where = f"{method.upper()} {path} {at}"
        assert reply.status_code == 422, f"{where}: {reply.status_code} {reply.text[:300]}"
        detail = reply.json()["detail"]
        assert isinstance(detail, list), where
        assert any(tuple(item["loc"][1:]) == at for item in detail), f"{where}: {detail}"
        assert "surrogate" in message(reply), where
    assert http.get("/api/projects").status_code == 200  # same connection, still fine
    assert "Internal server error" not in live_server.log()


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def test_every_422_is_the_validation_list(http: httpx.Client) -> None:
    folder = make_folder(http, make_project(http)["id"])
    replies = [
        http.get("/api/projects/not-a-uuid"),  # FastAPI's own validation
        http.get("/api/recordings"),  # a service's rule: "Give project_id or folder_id"
        http.post("/api/recordings", files={"data": ("x.wav", b"not audio at all" * 64)},
                  data={"parent_folder_id": folder["id"]}),  # the media probe's refusal
        http.post("/api/calibration", files={"data": ("x.wav", wav_bytes())}),  # no name
        http.post("/api/recordings", files={"data": ("x.wav", wav_bytes())},
                  data={"parent_folder_id": "nope"}),
    ]
    for reply in replies:
        assert reply.status_code == 422, reply.text
        message(reply)  # asserts the [{loc, msg, type}] shape


def test_undeclared_methods_answer_405_with_every_allowed_method(http: httpx.Client,
                                                                 spec: dict[str, Any]) -> None:
    checked = 0
    for path, item in spec["paths"].items():
        declared = {m.upper() for m in item}
        url = path.format(**{name: uuid.uuid4() for name in _path_names(path)})
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            if method in declared:
                continue
            reply = http.request(method, url)
            assert reply.status_code == 405, f"{method} {path}: {reply.status_code} {reply.text}"
            allowed = {m.strip() for m in reply.headers["allow"].split(",")}
            assert allowed == declared, f"{method} {path}: Allow {allowed}, declared {declared}"
            assert message(reply)
            checked += 1
    assert checked > 50
    assert http.get("/api/health").status_code == 200


def test_the_connection_stays_usable_after_every_kind_of_error(
        live_server: LiveServer) -> None:
    with live_server.client() as http:
        folder = make_folder(http, make_project(http)["id"])
        bad = [
            lambda: http.delete("/api/recordings/originals"),  # 405
            lambda: http.get("/api/projects/not-a-uuid"),  # 422
            lambda: http.post("/api/recordings", content=b"x",
                              headers={"content-type": "text/plain"}),  # 415
            lambda: http.post("/api/recordings", content=b"{\"file\": ",
                              headers={"content-type": "application/json"}),  # 400
            lambda: http.post("/api/projects", content=b'{"name": "\\udfff"}',
                              headers={"content-type": "application/json"}),  # 422
            lambda: http.get(f"/api/recordings/{uuid.uuid4()}"),  # 404
            lambda: http.get("/api/projects", headers={"api-key": "wrong"}),  # 401
            lambda: http.post("/api/recordings", files={"data": ("x.wav", b"RIFF" * 9)},
                              data={"parent_folder_id": folder["id"]}),  # 422 from the probe
        ]
        ports = set()
        for send in bad:
            reply = send()
            assert 400 <= reply.status_code < 500, reply.text
            assert reply.json()["detail"]
            ok_reply = http.get("/api/health")
            assert ok_reply.status_code == 200
            ports.add(ok_reply.extensions["network_stream"].get_extra_info("client_addr"))
        assert len(ports) == 1, f"the connection was dropped and re-opened: {ports}"
