"""Benchmark: decompression bombs and hostile files against the service (issue 11; run with -s).

For each file: the answer, the time to refuse (or serve) it, the peak RSS growth of the service
itself and of its audio workers, beside a normal 10 s upload measured in the same run. Also the
per-call overhead of the audio worker process (a no-op call, and a small probe in the worker
against the same probe in the calling process).
"""

from __future__ import annotations

import contextlib
import io
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import numpy as np
import psutil
import pytest
import soundfile as sf

from tests.support.audio_files import tone
from tests.support.hostile_audio import flac_silence, float_wav, wav_bytes
from tests.support.server import LiveServer
from voxbooth.server.media import TAKES, worker
from voxbooth.server.media import probe as isolated_probe
from voxbooth.server.media.isolation import AudioWorkers
from voxbooth.server.media.verify import verify

MEGABYTE = 1024 * 1024
pytestmark = pytest.mark.timeout(3600)  # minutes on a loaded machine: an hour of audio to MP3


class PeakRss:
    """Peak RSS growth (MB) of the service and, separately, of its child processes."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.base = self.proc.memory_info().rss
        self.peak = self.base
        self.child_base = self._children_rss()
        self.child_peak = self.child_base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _children_rss(self) -> int:
        total = 0
        for child in self.proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            self.child_peak = max(self.child_peak, self._children_rss())
            time.sleep(0.01)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def service_mb(self) -> float:
        return (self.peak - self.base) / MEGABYTE

    @property
    def workers_mb(self) -> float:
        return (self.child_peak - self.child_base) / MEGABYTE


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(data_dir=tmp_path_factory.mktemp("svc") / "data").start()
    try:
        yield live
    finally:
        live.stop()


def _measure(server: LiveServer, what: str, size_bytes: int,
             call: Callable[[], httpx.Response]) -> None:
    assert server.proc is not None
    with PeakRss(server.proc.pid) as rss:
        started = time.perf_counter()
        reply = call()
        elapsed_s = time.perf_counter() - started
    assert reply.status_code < 500, reply.text
    detail = reply.json().get("detail", "") if reply.status_code >= 400 else ""
    print(f"{what:52s} {size_bytes / 1024:8.0f} KB  {reply.status_code}  {elapsed_s:6.2f} s  "
          f"service +{rss.service_mb:6.1f} MB  workers +{rss.workers_mb:6.1f} MB  "
          f"{detail[:70]}", flush=True)


def _wav(seconds: float, rate_hz: int) -> bytes:
    out = io.BytesIO()
    sf.write(out, tone(seconds, rate_hz), rate_hz, format="WAV", subtype="PCM_16")
    return out.getvalue()


def test_bombs_against_a_normal_upload(server: LiveServer) -> None:
    with server.client() as http:
        http.timeout = httpx.Timeout(600.0)
        project = http.post("/api/projects", json={"name": "Bench"}).json()
        folder = http.post("/api/folders", json={"name": "B", "project_id": project["id"]}).json()

        def take(data: bytes) -> Callable[[], httpx.Response]:
            return lambda: http.post("/api/recordings", data={"parent_folder_id": folder["id"]},
                                     files={"data": ("take.bin", data)})

        def calibration(data: bytes) -> Callable[[], httpx.Response]:
            return lambda: http.post("/api/calibration", data={"name": f"c{time.time()}"},
                                     files={"data": ("reading.bin", data)})

        time.sleep(3)  # the audio workers warm up in the background after start-up
        print()
        normal = _wav(10.0, 44100)
        _measure(server, "reference: normal 10 s 44.1 kHz WAV take", len(normal), take(normal))
        hour = flac_silence(3600, 96000, 1)
        reply = take(hour)()
        assert reply.status_code == 201, reply.text
        hour_id = reply.json()["id"]
        while http.get(f"/api/recordings/{hour_id}/waveform").status_code == 202:
            time.sleep(0.5)  # its peaks job must not share the workers with the measurements
        bombs = [
            ("FLAC 590 s 8 ch 192 kHz as a calibration", calibration,
             flac_silence(590, 192000, 8)),
            ("the same, length unknown, as a calibration", calibration,
             flac_silence(590, 192000, 8, declare_total=False)),
            ("FLAC 590 s 8 ch 192 kHz as a take", take, flac_silence(590, 192000, 8)),
            ("the same, length unknown, as a take", take,
             flac_silence(590, 192000, 8, declare_total=False)),
            ("FLAC 1 h 96 kHz mono silence as a take", take, hour),
            ("WAV at 1 Hz", take, wav_bytes(rate_hz=1, frames=3_000_000)),
            ("WAV with 1024 channels", take, wav_bytes(channels=1024, frames=2000)),
            ("float WAV with inf after 5,000 samples", take,
             float_wav(_inf_late())),
        ]
        for what, route, data in bombs:
            _measure(server, what, len(data), route(data))
        for fmt in ("mp3", "ogg", "wav"):
            _measure(server, f"the 1 h 96 kHz take served ?format={fmt}", len(hour),
                     lambda fmt=fmt: http.get(f"/api/recordings/{hour_id}/file",
                                              params={"format": fmt}))


def _inf_late() -> np.ndarray:
    samples = tone(10.0, 16000)[:, 0].copy()
    samples[5000] = float("inf")
    return samples


def test_worker_call_overhead(tmp_path: Path) -> None:
    pool = AudioWorkers(workers=1)
    started = time.perf_counter()
    pool.warm()
    start_s = time.perf_counter() - started
    try:
        pings = []
        for _ in range(200):
            t0 = time.perf_counter()
            pool.run(worker.ping, timeout_s=60, what="pinging")
            pings.append(time.perf_counter() - t0)
        small = tmp_path / "small.wav"
        small.write_bytes(_wav(1.0, 16000))
        isolated, local = [], []
        for _ in range(50):
            t0 = time.perf_counter()
            pool.run(worker.verify, str(small), TAKES, timeout_s=60, what="checking")
            isolated.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            verify(small)
            local.append(time.perf_counter() - t0)
        assert isolated_probe(small).frames == 16000
    finally:
        pool.stop()
    print(f"\naudio worker start-up (spawn, numpy + libsndfile + FFmpeg): {start_s:.2f} s")
    print(f"no-op call: median {statistics.median(pings) * 1e3:.2f} ms, "
          f"p95 {sorted(pings)[189] * 1e3:.2f} ms")
    print(f"probe of a 1 s WAV: in the worker {statistics.median(isolated) * 1e3:.2f} ms, "
          f"in-process {statistics.median(local) * 1e3:.2f} ms (median of 50)")
