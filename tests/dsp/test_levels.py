"""The level meter reads what a studio meter would."""

from __future__ import annotations

import numpy as np

from voxbooth.dsp.levels import LevelMeter

RATE_HZ = 48000


def _sine(amplitude: float, seconds: float, f0_hz: float = 1000.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE_HZ)) / RATE_HZ
    return amplitude * np.sin(2 * np.pi * f0_hz * t)


def _feed(meter: LevelMeter, signal: np.ndarray, block: int = 480) -> None:
    for start in range(0, signal.size, block):
        meter.update(signal[start:start + block])


def test_peak_and_rms_of_a_sine_in_dbfs() -> None:
    meter = LevelMeter(RATE_HZ)
    _feed(meter, _sine(0.5, 0.5))
    reading = meter.reading
    assert abs(reading.peak_db - (-6.02)) < 0.05
    assert abs(reading.rms_db - (-9.03)) < 0.05
    assert not reading.clipped


def test_clip_holds_until_reset_and_peak_hold_falls_later() -> None:
    meter = LevelMeter(RATE_HZ, hold_s=1.0)
    _feed(meter, np.clip(_sine(1.5, 0.1), -1, 1))
    _feed(meter, _sine(0.01, 0.5))  # quiet again, within the hold
    assert meter.reading.clipped and meter.reading.clipped_samples > 0
    assert meter.reading.peak_hold_db > -0.1
    _feed(meter, _sine(0.01, 2.0))  # hold over: the peak hold falls toward the signal
    assert meter.reading.clipped  # the clip light stays until the artist clicks it
    assert meter.reading.peak_hold_db < -10
    meter.reset_clip()
    assert not meter.reading.clipped and meter.reading.clipped_samples == 0


def test_dc_offset_and_noise_floor_between_phrases() -> None:
    rng = np.random.default_rng(5)
    meter = LevelMeter(RATE_HZ)
    noise = 0.001 * rng.standard_normal(RATE_HZ)  # -60 dBFS room noise
    phrase = _sine(0.3, 1.0, 200.0) + 0.001 * rng.standard_normal(RATE_HZ)
    for part in (noise, phrase, noise, phrase, noise):
        _feed(meter, part + 0.02)
    reading = meter.reading
    assert abs(reading.dc_offset - 0.02) < 0.002
    assert abs(reading.noise_floor_db - (-60.0)) < 2.0
