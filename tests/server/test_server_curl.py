"""The seeds' requests typed as a user would, with real curl: 002's multipart upload with
`api-key`, 000's `Authorization: Bearer` with `-F file=@...`, 001's base64 JSON upload and its
"validate the binary file" download."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import soundfile as sf

from tests.server.helpers import make_folder, make_project
from tests.support.server import LiveServer

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")


@pytest.fixture(scope="module")
def folder(live_server: LiveServer) -> Iterator[dict[str, Any]]:
    with live_server.client() as http:
        yield make_folder(http, make_project(http, "Curl")["id"])


def sh(script: str, cwd: Path, **env: str) -> str:
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env={
        "PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_002_upload_with_api_key(live_server: LiveServer, folder: dict[str, Any],
                                 speech_path: Path, tmp_path: Path) -> None:
    shutil.copy(speech_path, tmp_path / "take.wav")
    out = sh("""
curl -s -X POST "$HOST/api/recordings" \\
  -H "api-key: $KEY" \\
  -H "Content-Type: multipart/form-data" \\
  -F "data=@take.wav" \\
  -F "parent_folder_id=$FOLDER" \\
  -F "microphone=file" \\
  -F "label=Opening line"
""", tmp_path, HOST=live_server.url, KEY=live_server.api_key, FOLDER=folder["id"])
    rec = json.loads(out)
    assert rec["label"] == "Opening line" and rec["type"] == "original"
    listed = json.loads(sh('curl -s "$HOST/api/recordings?folder_id=$FOLDER&limit=10" '
                           '-H "api-key: $KEY"', tmp_path, HOST=live_server.url,
                           KEY=live_server.api_key, FOLDER=folder["id"]))
    assert rec["id"] in [r["id"] for r in listed["list"]]


def test_000_style_bearer_and_file_field(live_server: LiveServer, folder: dict[str, Any],
                                         speech_path: Path, tmp_path: Path) -> None:
    shutil.copy(speech_path, tmp_path / "voice_sample.wav")
    out = sh("""
curl -s -X POST "$HOST/api/recordings" \\
  -H "Authorization: Bearer $KEY" \\
  -F "file=@voice_sample.wav" \\
  -F "name=Professional Voice" \\
  -F "parent_folder_id=$FOLDER"
""", tmp_path, HOST=live_server.url, KEY=live_server.api_key, FOLDER=folder["id"])
    assert json.loads(out)["label"] == "Professional Voice"
    refused = sh("""
curl -s -o /dev/null -w "%{http_code}" -X POST "$HOST/api/recordings" \\
  -H "Authorization: Bearer YOUR_API_KEY" -F "file=@voice_sample.wav"
""", tmp_path, HOST=live_server.url)
    assert refused == "401"


def test_001_base64_upload_then_validate_the_binary_file(
    live_server: LiveServer, folder: dict[str, Any], speech_path: Path, tmp_path: Path
) -> None:
    shutil.copy(speech_path, tmp_path / "file.wav")
    out = sh("""
base64 -w 0 file.wav >> file.b64
printf '{"file": "%s", "parent_folder_id": "%s", "label": "b64"}' "$(cat file.b64)" "$FOLDER" \\
  > body.json
curl -s -X POST "$HOST/api/recordings" -H "api-key: $KEY" \\
  -H "Content-Type: application/json" --data-binary @body.json
""", tmp_path, HOST=live_server.url, KEY=live_server.api_key, FOLDER=folder["id"])
    rec = json.loads(out)
    sh('curl -s -f -H "api-key: $KEY" "$HOST/api/recordings/$ID/file" -o back.wav', tmp_path,
       HOST=live_server.url, KEY=live_server.api_key, ID=rec["id"])
    assert (tmp_path / "back.wav").read_bytes() == speech_path.read_bytes()
    details = httpx.get(f"{live_server.url}/api/recordings/{rec['id']}",
                        headers={"api-key": live_server.api_key}).json()
    assert details["duration"] == pytest.approx(sf.info(str(speech_path)).duration, abs=1e-3)


def test_002_project_calls_and_export(live_server: LiveServer, tmp_path: Path) -> None:
    env = {"HOST": live_server.url, "KEY": live_server.api_key}
    project = json.loads(sh("""
curl -s -X POST "$HOST/api/projects" -H "api-key: $KEY" -H "Content-Type: application/json" \\
  -d '{"name": "Radio spot"}'
""", tmp_path, **env))
    env["PROJECT"] = project["id"]
    renamed = json.loads(sh("""
curl -s -X PATCH "$HOST/api/projects/$PROJECT" -H "api-key: $KEY" \\
  -H "Content-Type: application/json" -d '{"name": "Radio spot v2"}'
""", tmp_path, **env))
    assert renamed["name"] == "Radio spot v2"
    headers = sh("""
curl -s -D - -o spot.zip -H "api-key: $KEY" "$HOST/api/projects/$PROJECT/export?starred_only=true"
""", tmp_path, **env)
    assert "application/zip" in headers and "attachment" in headers.lower()
    assert (tmp_path / "spot.zip").read_bytes()[:2] == b"PK"
    pages = json.loads(sh('curl -s -H "api-key: $KEY" '
                          '"$HOST/api/projects?limit=1&offset=0&sort=name&direction=asc"',
                          tmp_path, **env))
    assert pages["pagination"]["limit"] == 1
    voices = json.loads(sh('curl -s -H "api-key: $KEY" '
                           '"$HOST/api/v2/voices?species=animal&sort=pitch&direction=desc"',
                           tmp_path, **env))
    assert [v["species"] for v in voices["list"]] == ["animal"] * len(voices["list"])
