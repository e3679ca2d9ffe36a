"""Benchmark: a ~49 MB WAV uploaded to the real service on loopback (run with -s).

Prints throughput against a plain disk copy of the same file measured in the same run, and the
service's peak RSS growth during the upload against the body size (it must stream, so the
ratio stays far below 1). Also times a refused 51 MB upload.
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
    """Samples a process's RSS every 5 ms in a thread; `peak` is the highest seen."""

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
    def growth(self) -> int:
        return self.peak - self.baseline


@pytest.fixture(scope="module")
def big_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "big.wav"
    frames = (49 * MEGABYTE - 44) // 4  # 16-bit stereo
    rng = np.random.default_rng(1)
    with sf.SoundFile(str(path), "w", 44100, 2, subtype="PCM_16") as out:
        for start in range(0, frames, 1 << 20):
            count = min(1 << 20, frames - start)
            out.write((rng.standard_normal((count, 2)) * 0.1).astype(np.float32))
    return path


def _file_body(path: Path, boundary: bytes, folder_id: str) -> Iterator[bytes]:
    yield (b"--" + boundary + b'\r\nContent-Disposition: form-data; name="parent_folder_id"'
           b"\r\n\r\n" + folder_id.encode() + b"\r\n")
    yield (b"--" + boundary + b'\r\nContent-Disposition: form-data; name="data"; '
           b'filename="big.wav"\r\n\r\n')
    with path.open("rb") as inp:
        while chunk := inp.read(MEGABYTE):
            yield chunk
    yield b"\r\n--" + boundary + b"--\r\n"


def test_upload_50mb_wav(live_server: LiveServer, big_wav: Path, tmp_path: Path) -> None:
    with live_server.client() as http:
        project = http.post("/api/projects", json={"name": "Bench"}).json()
        folder = http.post("/api/folders", json={"name": "Big",
                                                 "project_id": project["id"]}).json()
        boundary = b"BenchB0undary"
        start = time.perf_counter()
        shutil.copyfile(big_wav, tmp_path / "copy.wav")
        copy_s = time.perf_counter() - start
        size = big_wav.stat().st_size
        assert live_server.proc is not None
        with PeakRss(live_server.proc.pid) as rss:
            start = time.perf_counter()
            reply = http.post(
                "/api/recordings", content=_file_body(big_wav, boundary, folder["id"]),
                headers={"content-type": "multipart/form-data; boundary="
                                    + boundary.decode()})
            upload_s = time.perf_counter() - start
        assert reply.status_code == 201, reply.text
        print(f"\nupload {size / MEGABYTE:.1f} MB: {upload_s:.2f} s = "
              f"{size / MEGABYTE / upload_s:.0f} MB/s; disk copy {copy_s:.3f} s "
              f"(upload/copy time ratio {upload_s / copy_s:.1f})")
        print(f"service peak RSS growth during upload: {rss.growth / MEGABYTE:.1f} MB "
              f"({rss.growth / size:.2f} x body)")
        assert rss.growth < size / 2

        too_big = 51 * MEGABYTE

        def zeros() -> Iterator[bytes]:
            yield b"--" + boundary + b'\r\nContent-Disposition: form-data; name="data"; ' \
                b'filename="x.wav"\r\n\r\n'
            for _ in range(too_big // MEGABYTE):
                yield bytes(MEGABYTE)
            yield b"\r\n--" + boundary + b"--\r\n"

        with PeakRss(live_server.proc.pid) as rss:
            start = time.perf_counter()
            refused = http.post("/api/recordings", content=zeros(), headers={
                "content-type": "multipart/form-data; boundary=" + boundary.decode()})
            refuse_s = time.perf_counter() - start
        assert refused.status_code == 413
        print(f"51 MB streamed refusal: {refuse_s:.2f} s, service peak RSS growth "
              f"{rss.growth / MEGABYTE:.1f} MB ({rss.growth / too_big:.3f} x body)")
