"""Benchmark: the live f0 tracker's cost per hop, and its accuracy beside Praat and WORLD.

Run with `.venv/bin/pytest -s tests/bench/test_pitch_tracker.py`. Prints:
- per-hop cost of the streaming tracker at 16 and 48 kHz, fed in 10 ms blocks as the desk does,
  against the 10 ms of audio each hop stands for (and against Praat on the same audio);
- on real speech (CMU ARCTIC a0007), agreement with Praat of ours, pyworld dio (+stonemask) and
  pyworld harvest: share of frames both call voiced within 50 cents, median cents, voicing recall;
- on sung notes with vibrato (known truth), the same trackers against the truth.
librosa's pyin comes with the `bench` extra (`make bench` installs it), not with the test suite:
it brings numba and llvmlite, which nothing else needs. Without it the bench says so and goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import parselmouth
import pyworld
import soundfile as sf
from scipy.signal import resample_poly

from voxbooth.dsp.pitch import PitchTracker, cents_between, track_pitch

Tracker = Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]]  # -> times_s, f0 (0/NaN)


def _ours(x: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    frames = track_pitch(x, rate)
    return frames.times_s, frames.f0_hz


def _praat(x: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    pitch = parselmouth.Sound(x, rate).to_pitch(time_step=0.001, pitch_floor=50,
                                                pitch_ceiling=1000)
    return pitch.xs(), pitch.selected_array["frequency"]


def _dio(x: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    f0, t = pyworld.dio(x, rate, f0_floor=50, f0_ceil=1000, frame_period=1.0)
    return t, pyworld.stonemask(x, f0, t, rate)


def _harvest(x: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    f0, t = pyworld.harvest(x, rate, f0_floor=50, f0_ceil=1000, frame_period=1.0)
    return t, f0


def _pyin(x: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    import librosa

    hop = rate // 100
    # two periods of the 50 Hz floor must fit in the half frame pyin correlates over
    frame = 1024 if rate <= 24000 else 4096
    f0, voiced, _probability = librosa.pyin(x, fmin=50, fmax=1000, sr=rate, frame_length=frame,
                                            hop_length=hop)
    times = librosa.times_like(f0, sr=rate, hop_length=hop)
    return times, np.where(voiced, f0, np.nan)


TRACKERS: dict[str, Tracker] = {"ours (YIN)": _ours, "praat": _praat, "dio+stonemask": _dio,
                                "harvest": _harvest}
try:
    import librosa  # noqa: F401

    TRACKERS["librosa pyin"] = _pyin
except ImportError:
    print("[pitch] librosa is not installed (pip install -e '.[bench]'): pyin left out")


def _at(times: np.ndarray, f0: np.ndarray, grid: np.ndarray) -> np.ndarray:
    index = np.clip(np.searchsorted(times, grid), 0, f0.size - 1)
    value = np.asarray(f0[index], dtype=np.float64)
    return np.where(np.isfinite(value) & (value > 0), value, np.nan)


def _compare(estimate: np.ndarray, reference: np.ndarray) -> str:
    both = np.isfinite(estimate) & np.isfinite(reference)
    cents = np.abs(cents_between(estimate[both], reference[both]))
    recall = both.sum() / max(1, np.isfinite(reference).sum())
    return (f"within 50 cents {100 * np.mean(cents < 50):5.1f} %   median {np.median(cents):5.1f}"
            f" cents   voiced recall {100 * recall:5.1f} %   ({both.sum()} frames)")


def test_per_hop_cost_against_real_time(speech_path: Path) -> None:
    samples, rate = sf.read(speech_path, dtype="float64")
    speech = np.tile(samples, 5)  # 20 s
    print()
    for rate_hz in (16000, 48000):
        x = resample_poly(speech, rate_hz, rate).astype(np.float32)
        tracker = PitchTracker(rate_hz)
        block = rate_hz // 100
        started = time.perf_counter()
        hops = sum(len(tracker.process(x[i:i + block])) for i in range(0, x.size, block))
        per_hop_s = (time.perf_counter() - started) / hops
        started = time.perf_counter()
        _praat(x.astype(np.float64), rate_hz)
        praat_s = time.perf_counter() - started
        print(f"[pitch] {rate_hz} Hz: {per_hop_s * 1e6:6.0f} us per 10 ms hop = "
              f"{100 * per_hop_s / 0.01:4.1f} % of real time ({hops} hops); Praat on the same "
              f"{x.size / rate_hz:.0f} s: {praat_s / (x.size / rate_hz) * 100:4.1f} % of real time"
              f"; tracker latency {tracker.latency_s * 1000:.0f} ms")
        assert hops > 0


def test_accuracy_on_real_speech_beside_praat_and_world(speech_path: Path) -> None:
    samples, rate = sf.read(speech_path, dtype="float64")
    grid = track_pitch(samples, rate).times_s
    results = {name: _at(*tracker(samples, rate), grid) for name, tracker in TRACKERS.items()}
    print(f"\n[pitch] real speech (ARCTIC a0007, {rate} Hz), against Praat:")
    for name, f0 in results.items():
        if name != "praat":
            print(f"  {name:14s} {_compare(f0, results['praat'])}")
    print("  against harvest:")
    for name in [n for n in TRACKERS if n != "harvest"]:
        print(f"  {name:14s} {_compare(results[name], results['harvest'])}")


def _sung(f0_hz: float, rate: int, seconds: float = 1.5) -> tuple[np.ndarray, np.ndarray]:
    """A sung vowel-ish note with 5.5 Hz, +-40 cent vibrato; returns samples and the true f0."""
    t = np.arange(int(seconds * rate)) / rate
    f0 = f0_hz * 2 ** (40 / 1200 * np.sin(2 * np.pi * 5.5 * t))
    phase = 2 * np.pi * np.cumsum(f0) / rate
    partials = [0.5 / k * np.sin(k * phase) for k in range(1, 12) if f0_hz * k * 1.05 < rate / 2]
    return np.sum(partials, axis=0), f0


def test_accuracy_on_sung_notes_against_the_truth() -> None:
    rate = 48000
    print("\n[pitch] sung notes with vibrato (48 kHz), against the true f0:")
    for name, tracker in TRACKERS.items():
        errors = []
        for note_hz in (82.4, 130.8, 220.0, 440.0, 659.3, 880.0):
            x, truth = _sung(note_hz, rate)
            times, f0 = tracker(x, rate)
            keep = (times > 0.1) & (times < 1.4)
            estimate = _at(times, f0, times[keep])
            true_at = truth[np.clip((times[keep] * rate).astype(int), 0, truth.size - 1)]
            errors.append(np.abs(cents_between(estimate, true_at)))
        cents = np.concatenate(errors)
        voiced = np.isfinite(cents)
        print(f"  {name:14s} median {np.nanmedian(cents):5.1f} cents, 95th "
              f"{np.nanpercentile(cents, 95):6.1f} cents, voiced {100 * voiced.mean():5.1f} %")
