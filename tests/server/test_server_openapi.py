"""The API describes itself: /openapi.json with stable operation ids, and /docs."""

from __future__ import annotations

import httpx

from tests.support.server import LiveServer


def test_openapi_has_stable_operation_ids(live_server: LiveServer) -> None:
    spec = httpx.get(f"{live_server.url}/openapi.json").json()
    ids = {(path, method): op["operationId"] for path, item in spec["paths"].items()
           for method, op in item.items()}
    assert len(set(ids.values())) == len(ids)  # unique
    assert ids[("/api/projects", "get")] == "list_projects"
    assert ids[("/api/recordings", "post")] == "create_recording"
    assert ids[("/api/recordings/{recording_id}/file", "get")] == "get_recording_file"
    assert ids[("/api/v2/voices", "get")] == "list_voices"
    upload = spec["paths"]["/api/recordings"]["post"]["requestBody"]["content"]
    assert {"multipart/form-data", "application/json"} <= set(upload)
    docs = httpx.get(f"{live_server.url}/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_serve_prints_its_url_and_data_dir(live_server: LiveServer) -> None:
    log = live_server.log()
    assert f"http://127.0.0.1:{live_server.port}" in log
    assert f"Data in {live_server.data_dir}" in log
