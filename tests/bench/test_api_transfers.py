"""Benchmark of the client's streamed transfers (run with `pytest -s tests/bench/...`).

Uploads and downloads a ~49 MB WAV through `VoxBoothClient` against the real service on
loopback and prints throughput and the client process's peak RSS growth, beside a plain
`httpx.post(files=...)` upload and a disk copy measured in the same run. The client must
stream: its memory growth should stay a small fraction of the file, never twice the file.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.api.conftest import write_silent_wav
from tests.support.server import LiveServer
from voxbooth.api import VoxBoothClient

MEGABYTE = 1024 * 1024


def measure(action: Callable[[], object]) -> tuple[float, float]:
    """(seconds, peak RSS growth in MB) of `action()` in this process."""
    proc = psutil.Process(os.getpid())
    baseline = peak = proc.memory_info().rss
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, proc.memory_info().rss)
            time.sleep(0.005)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    start = time.perf_counter()
    action()
    elapsed_s = time.perf_counter() - start
    stop.set()
    thread.join()
    return elapsed_s, (peak - baseline) / MEGABYTE


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(data_dir=tmp_path_factory.mktemp("bench") / "data").start()
    try:
        yield live
    finally:
        live.stop()


def test_streamed_upload_and_download(server: LiveServer, tmp_path: Path) -> None:
    big = write_silent_wav(tmp_path / "big.wav", 49 * MEGABYTE)
    size_mb = big.stat().st_size / MEGABYTE
    with VoxBoothClient(server.url, api_key=server.api_key, timeout=120) as vb:
        folder = vb.folders.create(vb.projects.create("Bench").id, "Big")
        copy_s, _ = measure(lambda: shutil.copyfile(big, tmp_path / "copy.wav"))
        with big.open("rb") as file:
            plain_s, plain_mb = measure(lambda: httpx.post(
                f"{server.url}/api/recordings", headers={"api-key": server.api_key},
                data={"parent_folder_id": folder.id}, files={"data": file}, timeout=120,
            ).raise_for_status())
        takes: list[str] = []
        up_s, up_mb = measure(lambda: takes.append(vb.recordings.upload(
            big, folder_id=folder.id).id))
        down_s, down_mb = measure(lambda: vb.recordings.download(
            takes[0], tmp_path / "back.wav", format="original"))
    assert (tmp_path / "back.wav").stat().st_size == big.stat().st_size
    print(f"\nfile {size_mb:.1f} MB; disk copy {size_mb / copy_s:.0f} MB/s")
    print(f"plain httpx files= upload: {size_mb / plain_s:.0f} MB/s, client RSS +{plain_mb:.1f} MB")
    print(f"VoxBoothClient upload:     {size_mb / up_s:.0f} MB/s, client RSS +{up_mb:.1f} MB "
          f"({up_mb / size_mb:.2f} x file)")
    print(f"VoxBoothClient download:   {size_mb / down_s:.0f} MB/s, client RSS +{down_mb:.1f} MB "
          f"({down_mb / size_mb:.2f} x file)")
