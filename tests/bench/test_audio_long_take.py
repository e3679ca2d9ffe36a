"""Benchmark: a long take at 48 kHz from the virtual microphone with a CPU hog on the other core.

Run with `.venv/bin/pytest -s tests/bench/test_audio_long_take.py`. The take lasts
VOXBOOTH_BENCH_TAKE_S seconds (default 600); the hog runs at nice VOXBOOTH_BENCH_HOG_NICE
(default 0; raise it on a shared machine). While recording, a desk thread does what the studio's
timer does every 30 ms: reads the ring, updates the level meter and the f0 tracker.

Prints: input overflows (target 0), frames dropped between callback and disk, frames the desk
missed, the process's RSS growth (target under 20 MB: the take goes to disk, not to RAM) beside
the size of the take on disk, and the desk's analysis cost as a share of real time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import psutil
import pytest
import soundfile as sf
from scipy.signal import resample_poly

from tests.support.pulse import pulseaudio_missing_reason, virtual_mic
from voxbooth.audio.capture import InputCapture
from voxbooth.audio.recorder import TakeRecorder
from voxbooth.dsp.levels import LevelMeter
from voxbooth.dsp.pitch import PitchTracker

RATE_HZ = 48000
TAKE_S = float(os.environ.get("VOXBOOTH_BENCH_TAKE_S", "600"))
HOG_NICE = int(os.environ.get("VOXBOOTH_BENCH_HOG_NICE", "0"))
MB = 1024 * 1024


def _long_speech_file(speech_path: Path, path: Path, seconds: float) -> None:
    samples, rate = sf.read(speech_path, dtype="float64")
    speech = resample_poly(samples, RATE_HZ, rate)
    speech = 0.6 * speech / np.abs(speech).max()
    with sf.SoundFile(path, "w", RATE_HZ, 1, subtype="PCM_16") as out:
        for _ in range(int(np.ceil(seconds / (speech.size / RATE_HZ)))):
            out.write(speech)


def _start_hog() -> subprocess.Popen[bytes]:
    cores = sorted(os.sched_getaffinity(0))

    def pin() -> None:
        os.sched_setaffinity(0, {cores[-1]})
        os.nice(HOG_NICE)

    return subprocess.Popen([sys.executable, "-c", "while True: pass"], preexec_fn=pin)


class Desk(threading.Thread):
    """What the studio's 30 ms timer does with the ring: meter and pitch."""

    def __init__(self, capture: InputCapture) -> None:
        super().__init__(daemon=True)
        self.reader = capture.ring.reader()
        self.meter = LevelMeter(capture.rate_hz)
        self.tracker = PitchTracker(capture.rate_hz)
        self.busy_s = 0.0
        self.hops = 0
        self.stop_event = threading.Event()

    def run(self) -> None:
        while not self.stop_event.wait(0.03):
            started = time.perf_counter()
            block = self.reader.read_new()
            self.meter.update(block)
            self.hops += len(self.tracker.process(block))
            self.busy_s += time.perf_counter() - started


@pytest.mark.timeout(TAKE_S + 300)
def test_long_take_with_a_cpu_hog(speech_path: Path, tmp_path: Path) -> None:
    if reason := pulseaudio_missing_reason():
        pytest.skip(reason)
    played = tmp_path / "played.wav"
    _long_speech_file(speech_path, played, TAKE_S + 10)
    process = psutil.Process()
    with virtual_mic() as mic:
        player = subprocess.Popen(["paplay", "--device=vmic", "--latency-msec=20", str(played)],
                                  env=mic.env)
        hog = _start_hog()
        try:
            with InputCapture(rate_hz=RATE_HZ) as capture:
                desk = Desk(capture)
                desk.start()
                take = TakeRecorder(capture, tmp_path / "long.wav").start()
                time.sleep(5.0)
                baseline = peak = process.memory_info().rss
                started = time.monotonic()
                while time.monotonic() - started < TAKE_S - 5:
                    time.sleep(1.0)
                    peak = max(peak, process.memory_info().rss)
                status = take.status()
                final = process.memory_info().rss
                result = take.stop()
                desk.stop_event.set()
                desk.join()
        finally:
            hog.kill()
            player.kill()
            hog.wait()
            player.wait()
    on_disk = (tmp_path / "long.wav").stat().st_size
    print(f"\n[long take] {result.duration_s:.1f} s at {RATE_HZ} Hz, hog at nice {HOG_NICE} on "
          f"the other core")
    print(f"  input overflows {result.overflow_count} (target 0); frames dropped before disk "
          f"{result.frames_dropped}; desk frames missed {desk.reader.frames_missed}")
    print(f"  RSS growth {(final - baseline) / MB:.1f} MB, peak growth {(peak - baseline) / MB:.1f}"
          f" MB (target < 20 MB); take on disk {on_disk / MB:.1f} MB "
          f"(growth/take ratio {(final - baseline) / on_disk:.3f})")
    print(f"  desk analysis (meter + f0, {desk.hops} hops): "
          f"{100 * desk.busy_s / result.duration_s:.1f} % of real time")
    print(f"  on disk at the last poll: {status.frames_on_disk / RATE_HZ:.1f} s of "
          f"{status.duration_s:.1f} s recorded")
    assert result.error is None
    assert sf.info(tmp_path / "long.wav").frames == result.frames
