"""Benchmark: a 50 MB WAV take through the whole recordings route on loopback (run with -s).

Measures, in one run: the upload (stream to disk, sniff/probe, blob commit, row), the time until
its waveform peaks are ready (the job), and the download back as WAV; the service's peak RSS
growth during each, against the file size (it must stream: the ratio stays well below 1); and a
plain disk copy of the same file as the reference for throughput.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import psutil
import pytest
import soundfile as sf

from tests.support.server import LiveServer

MEGABYTE = 1024 * 1024


class PeakRss:
    """Samples the service's RSS every 5 ms; `growth_mb` is the peak above the start."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.baseline = self.proc.memory_info().rss
        self.peak = self.baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.005)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.baseline) / MEGABYTE


@pytest.fixture(scope="module")
def big_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stereo 44.1 kHz 16-bit noise-modulated tone just under 50 MB."""
    path = tmp_path_factory.mktemp("bench") / "take50.wav"
    rate_hz, frames = 44100, (50 * MEGABYTE - 4096) // 4
    rng = np.random.default_rng(7)
    with sf.SoundFile(str(path), "w", samplerate=rate_hz, channels=2, subtype="PCM_16") as out:
        for start in range(0, frames, rate_hz * 10):
            n = min(rate_hz * 10, frames - start)
            t = (start + np.arange(n)) / rate_hz
            mono = 0.3 * np.sin(2 * np.pi * 180 * t) * (0.5 + 0.5 * rng.random(n))
            out.write(np.stack([mono, mono * 0.8], axis=1).astype(np.float32))
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(data_dir=tmp_path_factory.mktemp("svc") / "data").start()
    try:
        yield live
    finally:
        live.stop()


def test_upload_50mb_take(server: LiveServer, big_wav: Path, tmp_path: Path) -> None:
    size_mb = big_wav.stat().st_size / MEGABYTE
    started = time.perf_counter()
    shutil.copyfile(big_wav, tmp_path / "copy.wav")
    copy_s = time.perf_counter() - started

    assert server.proc is not None
    with server.client() as http:
        project = http.post("/api/projects", json={"name": "Bench"}).json()
        folder = http.post("/api/folders", json={"name": "B", "project_id": project["id"]}).json()
        with PeakRss(server.proc.pid) as upload_rss, big_wav.open("rb") as body:
            started = time.perf_counter()
            reply = http.post("/api/recordings", files={"data": ("take50.wav", body)},
                              data={"parent_folder_id": folder["id"]}, timeout=300)
            upload_s = time.perf_counter() - started
        assert reply.status_code == 201, reply.text
        rec = reply.json()
        with PeakRss(server.proc.pid) as peaks_rss:
            started = time.perf_counter()
            while http.get(f"/api/recordings/{rec['id']}/waveform").status_code == 202:
                time.sleep(0.02)
            peaks_s = time.perf_counter() - started
        with PeakRss(server.proc.pid) as download_rss:
            started = time.perf_counter()
            with http.stream("GET", rec["url"]) as stream:
                received = sum(len(chunk) for chunk in stream.iter_bytes())
            download_s = time.perf_counter() - started
    assert received == big_wav.stat().st_size

    print(f"\n50 MB take ({size_mb:.1f} MB, {rec['duration']:.0f} s stereo 44.1 kHz)")
    print(f"  disk copy (reference) {copy_s:6.2f} s  {size_mb / copy_s:7.1f} MB/s")
    print(f"  upload -> row         {upload_s:6.2f} s  {size_mb / upload_s:7.1f} MB/s"
          f"  ({upload_s / copy_s:.1f}x the copy)   service RSS +{upload_rss.growth_mb:.1f} MB"
          f" ({upload_rss.growth_mb / size_mb:.2f} of the file)")
    print(f"  waveform peaks ready  {peaks_s:6.2f} s after the upload"
          f"                      service RSS +{peaks_rss.growth_mb:.1f} MB")
    print(f"  download as WAV       {download_s:6.2f} s  {size_mb / download_s:7.1f} MB/s"
          f"                      service RSS +{download_rss.growth_mb:.1f} MB")
    # It must stream: holding the body in memory would grow RSS by the file size or more.
    assert upload_rss.growth_mb < 0.5 * size_mb
    assert download_rss.growth_mb < 0.5 * size_mb


def test_refuse_51mb_without_reading_it_into_memory(server: LiveServer) -> None:
    """A streamed (no Content-Length) 51 MB body is refused with 413 as the count passes 50 MB."""
    boundary = "BenchB0undary"
    too_big = 51 * MEGABYTE

    def body() -> Iterator[bytes]:
        yield (f'--{boundary}\r\nContent-Disposition: form-data; name="data"; '
               'filename="x.wav"\r\n\r\n').encode()
        for _ in range(too_big // MEGABYTE):
            yield bytes(MEGABYTE)
        yield f"\r\n--{boundary}--\r\n".encode()

    assert server.proc is not None
    with server.client() as http, PeakRss(server.proc.pid) as rss:
        started = time.perf_counter()
        refused = http.post("/api/recordings", content=body(),
                            headers={"content-type": f"multipart/form-data; boundary={boundary}"})
        refuse_s = time.perf_counter() - started
    assert refused.status_code == 413
    print(f"\n51 MB streamed refusal: {refuse_s:.2f} s, service RSS +{rss.growth_mb:.1f} MB "
          f"({rss.growth_mb / (too_big / MEGABYTE):.3f} of the body)")
    assert rss.growth_mb < 0.5 * too_big / MEGABYTE
