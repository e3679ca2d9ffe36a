"""The f0 tracker against synthetic notes, Praat on real speech, and noise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import parselmouth
import pytest
import soundfile as sf
from scipy.signal import resample_poly

from voxbooth.dsp.pitch import (
    PitchFrames,
    PitchTracker,
    cents_between,
    hz_to_note_name,
    summarise_pitch,
    track_pitch,
)

RATE_HZ = 48000


def _harmonic(f0_hz: float, seconds: float, rate_hz: int, partials: int = 8) -> np.ndarray:
    t = np.arange(int(seconds * rate_hz)) / rate_hz
    return sum(0.4 / k * np.sin(2 * np.pi * f0_hz * k * t + k)  # type: ignore[return-value]
               for k in range(1, partials + 1) if f0_hz * k < rate_hz / 2)


@pytest.mark.parametrize("rate_hz", [16000, 44100, 48000])
@pytest.mark.parametrize("f0_hz", [60.0, 98.0, 146.8, 220.0, 392.0, 659.3, 880.0, 1000.0])
def test_sines_and_harmonic_tones_within_a_few_cents(f0_hz: float, rate_hz: int) -> None:
    t = np.arange(int(0.5 * rate_hz)) / rate_hz
    for signal in (0.5 * np.sin(2 * np.pi * f0_hz * t), _harmonic(f0_hz, 0.5, rate_hz)):
        frames = track_pitch(signal, rate_hz)
        assert frames.voiced.all()
        assert np.max(np.abs(cents_between(frames.f0_hz, f0_hz))) < 5
        assert frames.confidence.min() > 0.9


def _praat_at(samples: np.ndarray, rate_hz: int, times_s: np.ndarray) -> np.ndarray:
    """Praat's f0 at our frame times (its own 1 ms grid, nearest frame; 0 = unvoiced)."""
    pitch = parselmouth.Sound(samples, rate_hz).to_pitch(time_step=0.001, pitch_floor=50,
                                                          pitch_ceiling=1000)
    f0 = pitch.selected_array["frequency"]
    index = np.clip(np.round((times_s - pitch.xs()[0]) / 0.001).astype(int), 0, f0.size - 1)
    return np.asarray(f0[index])


@pytest.mark.parametrize("rate_hz", [16000, 48000])
def test_real_speech_agrees_with_praat(speech_path: Path, rate_hz: int) -> None:
    samples, source_rate_hz = sf.read(speech_path, dtype="float64")
    samples = resample_poly(samples, rate_hz, source_rate_hz)
    ours = track_pitch(samples, rate_hz)
    praat = _praat_at(samples, rate_hz, ours.times_s)
    both = ours.voiced & (praat > 0)
    assert both.sum() >= 0.6 * (praat > 0).sum()  # we find most of what Praat calls voiced
    agree = np.abs(cents_between(ours.f0_hz[both], praat[both])) < 50
    assert agree.mean() >= 0.95
    # Nor do we hear pitch where Praat hears none (silence, breath, fricatives).
    assert (ours.voiced & (praat == 0)).sum() <= 0.05 * len(ours)


def test_streaming_in_odd_blocks_equals_the_whole_take(speech_path: Path) -> None:
    samples, rate_hz = sf.read(speech_path, dtype="float32")
    whole = track_pitch(samples, rate_hz)
    tracker = PitchTracker(rate_hz)
    sizes = np.random.default_rng(7).integers(1, 900, size=samples.size // 100)
    parts, start = [], 0
    for size in sizes:
        parts.append(tracker.process(samples[start:start + size]))
        start += int(size)
    parts.append(tracker.process(samples[start:]))
    streamed = PitchFrames.concatenate(parts)
    np.testing.assert_allclose(streamed.times_s, whole.times_s)
    np.testing.assert_allclose(streamed.f0_hz, whole.f0_hz, rtol=1e-6)
    assert np.allclose(np.diff(streamed.times_s), 0.01)  # one value per 10 ms hop


def test_noise_and_silence_are_unvoiced() -> None:
    rng = np.random.default_rng(3)
    white = 0.3 * rng.standard_normal(RATE_HZ)
    brown = np.cumsum(rng.standard_normal(RATE_HZ))
    brown = 0.3 * (brown - brown.mean()) / np.abs(brown - brown.mean()).max()
    for signal in (white, brown, np.zeros(RATE_HZ), 1e-4 * rng.standard_normal(RATE_HZ)):
        frames = track_pitch(signal, RATE_HZ)
        assert frames.voiced.mean() < 0.02
        assert np.isnan(frames.f0_hz[~frames.voiced]).all()


def test_note_names_and_summary() -> None:
    assert hz_to_note_name(440.0) == "A4"
    assert hz_to_note_name(261.63) == "C4"
    assert hz_to_note_name(466.16) == "A#4"
    assert hz_to_note_name(445.0, with_cents=True) == "A4 +20"
    assert hz_to_note_name(float("nan")) == "-"
    t = np.arange(RATE_HZ) / RATE_HZ
    tone_then_silence = np.concatenate([0.5 * np.sin(2 * np.pi * 110 * t), np.zeros(RATE_HZ)])
    summary = summarise_pitch(track_pitch(tone_then_silence, RATE_HZ))
    assert abs(summary.median_f0_hz - 110.0) < 0.1
    assert 0.45 < summary.voiced_fraction < 0.55
    assert summary.note_name == "A2 +0"
