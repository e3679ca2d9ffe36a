"""Benchmark: 60 s of speech at 44.1 kHz ordered into one voice on the real service, end to end
(POST /api/v2/orders until the conversion is `done`), beside the engine's `convert_file` on the
same file in the same run. Run with `.venv/bin/pytest -s tests/bench/test_service_conversion.py`.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

from tests.support.server import LiveServer
from voxbooth.engine.convert import convert_file
from voxbooth.engine.profiles import profile_for_voice

ELENA = "54f14355-addb-56c4-87fd-50e71757bf3d"
RATE_HZ = 44_100


def sixty_seconds(speech_path: Path, dest: Path) -> Path:
    speech, rate_hz = sf.read(speech_path, dtype="float64")
    take = np.tile(resample_poly(speech, RATE_HZ // 100, rate_hz // 100), 15)
    sf.write(dest, take, RATE_HZ, subtype="PCM_16")
    return dest


def engine_seconds(take: Path, tmp_path: Path) -> float:
    started = time.perf_counter()
    convert_file(take, tmp_path / "engine.wav", profile_for_voice(ELENA), semitones=1)
    return time.perf_counter() - started


def order_seconds(http: httpx.Client, original_id: str,
                  duration_s: float) -> tuple[float, float, list[str]]:
    """Seconds from the order to `done` (polled every 0.1 s), to the 201, and the stages seen."""
    started = time.perf_counter()
    order = {"original_id": original_id,
             "conversions": [{"voice_id": ELENA, "semitones_correction": 1}]}
    reply = http.post("/api/v2/orders", json=order)
    assert reply.status_code == 201, reply.text
    accepted_s = time.perf_counter() - started
    conversion_id = reply.json()[0]["id"]
    stages: list[str] = []
    while True:
        rec = http.get(f"/api/recordings/{conversion_id}").json()
        if rec["process_stage"] and (not stages or stages[-1] != rec["process_stage"]):
            stages.append(rec["process_stage"])
        if rec["state"] in ("done", "error"):
            break
        time.sleep(0.1)
    elapsed_s = time.perf_counter() - started
    assert rec["state"] == "done", rec["error"]
    assert abs(rec["duration"] - duration_s) <= 0.01
    return elapsed_s, accepted_s, stages


def test_order_latency_against_the_engine(tmp_path: Path, speech_path: Path) -> None:
    take = sixty_seconds(speech_path, tmp_path / "sixty.wav")
    duration_s = sf.info(take).duration
    engine_runs_s = [engine_seconds(take, tmp_path)]

    server = LiveServer(data_dir=tmp_path / "data").start()
    try:
        with server.client() as http:
            project = http.post("/api/projects", json={"name": "Bench"}).json()
            folder = http.post("/api/folders", json={"name": "Takes",
                                                     "project_id": project["id"]}).json()
            with take.open("rb") as body:
                original = http.post("/api/recordings", files={"data": ("take.wav", body)},
                                     data={"parent_folder_id": folder["id"]}).json()
            service_runs = [order_seconds(http, original["id"], duration_s) for _ in range(2)]
    finally:
        server.stop()
    # engine before and after the service: the machine is shared, so take the better one
    engine_runs_s.append(engine_seconds(take, tmp_path))
    engine_s = min(engine_runs_s)
    service_s, accepted_s, stages = min(service_runs)
    print(f"\n60 s of speech at {RATE_HZ} Hz into one voice:")
    print(f"  engine convert_file:       {engine_s:6.2f} s  (RTF {engine_s / duration_s:.3f}; "
          f"runs {', '.join(f'{s:.2f}' for s in engine_runs_s)} s)")
    print(f"  service order -> done:     {service_s:6.2f} s  (RTF {service_s / duration_s:.3f}; "
          f"runs {', '.join(f'{r[0]:.2f}' for r in service_runs)} s), "
          f"order accepted in {accepted_s * 1000:.0f} ms")
    print(f"  service / engine:          {service_s / engine_s:6.2f}x"
          f"  (overhead {service_s - engine_s:+.2f} s)")
    print(f"  stages seen: {' -> '.join(stages)}")
