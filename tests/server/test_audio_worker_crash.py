"""A codec that crashes or hangs in the audio worker fails one call; the next one succeeds.

First on the worker pool itself (a deliberate os.abort, a segfault, a hang), then on the real
service: its workers are killed with SIGSEGV in the middle of serving a take as MP3, and the
service answers that request with a 422 and the next one with the file.
"""

from __future__ import annotations

import io
import os
import signal
import threading
import time
from collections.abc import Iterator

import httpx
import psutil
import pytest
import soundfile as sf

from tests.server.helpers import message, settle_background_work
from tests.support import crashing
from tests.support.audio_files import tone
from tests.support.server import LiveServer
from voxbooth.server.media import AudioRejected, UndecodableAudio, worker
from voxbooth.server.media.isolation import AudioWorkers

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def pool() -> Iterator[AudioWorkers]:
    workers = AudioWorkers(workers=1)
    workers.warm()
    yield workers
    workers.stop()


@pytest.mark.parametrize(("crash", "signal_name"), [
    (crashing.abort_now, "SIGABRT"), (crashing.segfault_now, "SIGSEGV"),
])
def test_a_crash_fails_that_call_and_the_next_call_succeeds(
    pool: AudioWorkers, crash: object, signal_name: str,
) -> None:
    before = pool.run(worker.ping, timeout_s=60, what="pinging")
    with pytest.raises(UndecodableAudio) as caught:
        pool.run(crash, timeout_s=60, what="converting the audio to MP3")  # type: ignore[arg-type]
    assert caught.value.status == 422
    assert caught.value.detail == (f"Audio could not be decoded: the decoder crashed on it "
                                   f"({signal_name}) while converting the audio to MP3")
    after = pool.run(worker.ping, timeout_s=60, what="pinging")
    assert after != before, "the crashed worker was replaced by a new process"


def test_a_hang_is_stopped_by_its_timeout(pool: AudioWorkers) -> None:
    with pytest.raises(UndecodableAudio) as caught:
        pool.run(crashing.sleep_s, 60.0, timeout_s=1.0, what="checking the audio")
    assert caught.value.detail == ("Audio could not be decoded: checking the audio took longer "
                                   "than 1 s and was stopped")
    assert pool.run(crashing.sleep_s, 0.0, timeout_s=60, what="sleeping") == 0.0


def test_a_worker_that_allocates_past_its_cap_fails_that_call_with_413(
    pool: AudioWorkers,
) -> None:
    with pytest.raises(AudioRejected) as caught:
        pool.run(crashing.allocate_bytes, 8 * 1024**3, timeout_s=60, what="decoding")
    assert caught.value.status == 413
    assert caught.value.detail == "Audio needs more memory than the service allows while decoding"
    assert pool.run(crashing.allocate_bytes, 64 * 1024**2, timeout_s=60, what="decoding") == \
        64 * 1024**2


def _audio_workers(server: LiveServer) -> list[psutil.Process]:
    assert server.proc is not None
    return [child for child in psutil.Process(server.proc.pid).children(recursive=True)
            if "spawn_main" in " ".join(child.cmdline())]


def _busy_worker(server: LiveServer, deadline_s: float,
                 request: threading.Thread) -> psutil.Process:
    deadline = time.monotonic() + deadline_s
    # CPU used since the request started, not per poll: on a loaded machine a busy worker
    # may get a few hundredths of a second of CPU between two polls
    times = {p.pid: sum(p.cpu_times()[:2]) for p in _audio_workers(server)}
    while time.monotonic() < deadline and request.is_alive():
        time.sleep(0.2)
        for proc in _audio_workers(server):
            used = sum(proc.cpu_times()[:2])
            if used - times.setdefault(proc.pid, used) > 0.2:
                return proc
    raise AssertionError(f"no audio worker got busy (request done: {not request.is_alive()}, "
                         f"workers: {times})")


def test_the_service_survives_a_worker_killed_mid_request(live_server: LiveServer) -> None:
    with live_server.client() as http:
        http.timeout = httpx.Timeout(120.0)
        project = http.post("/api/projects", json={"name": "Crash"}).json()
        folder = http.post("/api/folders", json={"name": "T", "project_id": project["id"]}).json()
        long_take = io.BytesIO()  # 5 min at 96 kHz: resampled and encoded for several seconds
        sf.write(long_take, tone(300.0, 96000), 96000, format="FLAC", subtype="PCM_16")
        reply = http.post("/api/recordings", data={"parent_folder_id": folder["id"]},
                          files={"data": ("long.flac", long_take.getvalue())})
        assert reply.status_code == 201, reply.text
        take = reply.json()["id"]
        # let its peaks and transcript jobs finish: the only busy worker is then ours
        settle_background_work(http, take)

        answer: dict[str, httpx.Response] = {}
        request = threading.Thread(target=lambda: answer.setdefault(
            "mp3", http.get(f"/api/recordings/{take}/file", params={"format": "mp3"})))
        request.start()
        busy = _busy_worker(live_server, 90, request)
        # Held mid-encoding (SIGSTOP), so however fast this machine encodes, the crash below
        # lands while the MP3 is being made, not after it was handed over.
        busy.send_signal(signal.SIGSTOP)
        # meanwhile an upload is checked by the other pool, not queued behind the encoding
        short = io.BytesIO()
        sf.write(short, tone(2.0, 16000), 16000, format="WAV")
        upload = http.post("/api/recordings", data={"parent_folder_id": folder["id"]},
                           files={"data": ("short.wav", short.getvalue())})
        assert upload.status_code == 201, upload.text
        assert request.is_alive(), "the MP3 was done before the test could crash its worker"
        os.kill(busy.pid, signal.SIGSEGV)  # delivered as it resumes
        busy.send_signal(signal.SIGCONT)
        request.join(120)
        assert "mp3" in answer, "the request never answered"

        crashed = answer["mp3"]
        assert crashed.status_code == 422, crashed.text[:300]
        assert "the decoder crashed on it (SIGSEGV) while converting the audio to MP3" in \
            message(crashed)
        assert http.get("/api/health").status_code == 200
        served = http.get(f"/api/recordings/{take}/file", params={"format": "mp3"})
        assert served.status_code == 200, served.text
        assert sf.info(io.BytesIO(served.content)).duration == pytest.approx(300, abs=0.5)
