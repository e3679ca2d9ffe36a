"""Engine speed and memory: real-time factor for 60 s at 44.1 kHz, beside plain WORLD.

Run on demand: `.venv/bin/pytest -s tests/bench/test_engine_speed.py`. Prints figures; the only
assertions are on correctness (length), never on time, since the machine is shared.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path

import numpy as np
import psutil
import pyworld
import soundfile
from scipy.signal import resample_poly

from tests.engine.measure import praat_median_hz
from voxbooth.engine import world
from voxbooth.engine.convert import convert, convert_file
from voxbooth.engine.profiles import profile_for_voice

RATE_HZ = 44_100
TARGET_RTF = 0.1


def _minute_at_44k(speech_path: Path) -> np.ndarray:
    samples, rate_hz = soundfile.read(speech_path, dtype="float64")
    assert rate_hz == 16_000
    minute = np.tile(samples, 15)[: 60 * rate_hz]
    return np.ascontiguousarray(resample_poly(minute, 441, 160))


def _timed(work: object) -> tuple[object, float]:
    started = time.perf_counter()
    result = work()  # type: ignore[operator]
    return result, time.perf_counter() - started


def _cpu_timed(work: object) -> tuple[object, float, float]:
    """Wall and this process's CPU seconds: CPU time is what a shared machine cannot inflate
    much (other engineers' load stretches wall time, not our instructions)."""
    cpu = time.process_time()
    result, wall_s = _timed(work)
    return result, wall_s, time.process_time() - cpu


def test_real_time_factor_against_plain_world(speech_path: Path) -> None:
    take = _minute_at_44k(speech_path)
    duration_s = take.shape[0] / RATE_HZ
    profile = profile_for_voice("elena")

    def plain_world() -> np.ndarray:
        f0, times = pyworld.harvest(take, RATE_HZ, frame_period=world.FRAME_PERIOD_MS)
        envelope = pyworld.cheaptrick(take, f0, times, RATE_HZ)
        aperiodicity = pyworld.d4c(take, f0, times, RATE_HZ)
        return np.asarray(pyworld.synthesize(f0 * 1.6, envelope, aperiodicity, RATE_HZ))

    reference, reference_s, reference_cpu = _cpu_timed(plain_world)
    single, single_s, single_cpu = _cpu_timed(
        lambda: convert(take, RATE_HZ, profile, max_workers=1)
    )
    _, cold_s = _timed(lambda: convert(take, RATE_HZ, profile))  # starts the shared pool
    parallel, parallel_s = _timed(lambda: convert(take, RATE_HZ, profile))
    assert isinstance(parallel, np.ndarray) and parallel.shape == take.shape
    assert isinstance(single, np.ndarray) and single.shape == take.shape
    assert isinstance(reference, np.ndarray)
    print(
        f"\n60 s at 44.1 kHz into {profile.name} ({profile.pitch_hz:.0f} Hz), "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}"
    )
    for name, wall_s, cpu_s in (
        ("plain WORLD harvest+cheaptrick+d4c+synth", reference_s, reference_cpu),
        ("engine, one process", single_s, single_cpu),
    ):
        print(
            f"  {name:41s} wall {wall_s:6.2f} s  cpu {cpu_s:6.2f} s"
            f"  RTF {wall_s / duration_s:.3f} (cpu {cpu_s / duration_s:.3f})"
        )
    print(
        f"  engine, parallel chunks, pool started:    wall {parallel_s:6.2f} s"
        f"                   RTF {parallel_s / duration_s:.3f}"
        f" (first conversion, starting the pool: {cold_s:.2f} s)"
    )
    print(
        f"  engine vs plain WORLD: x{reference_cpu / single_cpu:.1f} less CPU; parallel RTF "
        f"{parallel_s / duration_s:.3f} vs target {TARGET_RTF} "
        f"({'met' if parallel_s / duration_s <= TARGET_RTF else 'not met at this load'})"
    )


def test_f0_method_quality_and_speed(speech_path: Path) -> None:
    """Why dio + stonemask: as close to Praat as harvest, many times faster."""
    samples, rate_hz = soundfile.read(speech_path, dtype="float64")
    minute = np.tile(samples, 15)[: 60 * rate_hz]
    praat_hz = praat_median_hz(minute, rate_hz, 75.0, 600.0)
    started = time.perf_counter()
    dio_f0, dio_times = world.track_f0(minute)
    dio_s = time.perf_counter() - started
    started = time.perf_counter()
    harvest_f0, _ = pyworld.harvest(minute, rate_hz, f0_floor=55.0, f0_ceil=800.0)
    harvest_s = time.perf_counter() - started
    gated = world.speaker_f0_hz(dio_f0, world.frame_levels_db(minute, dio_times))
    assert gated is not None
    print(f"\nf0 on 60 s at 16 kHz; Praat median {praat_hz:.1f} Hz")
    for name, seconds, median in (
        ("dio+stonemask, all voiced", dio_s, float(np.median(dio_f0[dio_f0 > 0]))),
        ("dio+stonemask, loud voiced (engine)", dio_s, gated),
        ("harvest, all voiced", harvest_s, float(np.median(harvest_f0[harvest_f0 > 0]))),
    ):
        error_pct = 100.0 * (median / praat_hz - 1.0)
        print(f"  {name:38s} {seconds:6.2f} s  median {median:6.1f} Hz  {error_pct:+.2f} %")


def test_a_long_file_converts_in_bounded_memory(speech_path: Path, tmp_path: Path) -> None:
    take = _minute_at_44k(speech_path)
    original = tmp_path / "five-minutes.wav"
    with soundfile.SoundFile(original, "w", RATE_HZ, 1, subtype="PCM_16") as out:
        for _ in range(5):
            out.write(take * 0.5)
    peak = {"rss": 0}
    done = threading.Event()

    def watch() -> None:
        me = psutil.Process()
        while not done.is_set():
            # USS: memory only that process holds (RSS would count shared libraries per worker).
            procs = [me, *me.children(recursive=True)]
            total = 0
            for proc in procs:
                with contextlib.suppress(psutil.Error):  # a worker may exit meanwhile
                    total += proc.memory_full_info().uss
            peak["rss"] = max(peak["rss"], total)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    baseline = psutil.Process().memory_full_info().uss
    watcher.start()
    report, seconds = _timed(
        lambda: convert_file(original, tmp_path / "out.wav", profile_for_voice("kwame"))
    )
    done.set()
    watcher.join()
    size_mb = original.stat().st_size / 2**20
    print(
        f"\n5 min at 44.1 kHz ({size_mb:.0f} MB as 16-bit, {size_mb * 4:.0f} MB as float64): "
        f"{seconds:.1f} s, RTF {seconds / 300:.3f}"
    )
    print(
        f"  peak memory of engine + workers: {peak['rss'] / 2**20:.0f} MB "
        f"(baseline {baseline / 2**20:.0f} MB, {getattr(report, 'chunk_count', 0)} chunks)"
    )
