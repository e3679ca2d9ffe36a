"""Punch-in splicing: the region is replaced, the rest of the take and its length are kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voxbooth.studio.desk.punch import PunchPlan, splice

RATE_HZ = 48000


def _tone(freq_hz: float, seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE_HZ)) / RATE_HZ
    return (0.3 * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32)


def _dominant_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / RATE_HZ)[np.argmax(spectrum)])


@pytest.mark.parametrize("insert_s", [1.0, 1.6])  # on time, and a stop 0.6 s late
def test_punch_replaces_exactly_the_region(tmp_path: Path, insert_s: float) -> None:
    take, insert = tmp_path / "take.wav", tmp_path / "insert.wav"
    sf.write(take, _tone(220.0, 4.0), RATE_HZ, subtype="FLOAT")
    sf.write(insert, _tone(330.0, insert_s), RATE_HZ, subtype="FLOAT")
    plan = PunchPlan(str(take), "L01", start_s=2.5, end_s=3.5)

    out, rate = sf.read(splice(plan, insert, tmp_path / "spliced.wav"), dtype="float32")

    assert rate == RATE_HZ and len(out) == 4 * RATE_HZ  # the take keeps its length
    assert _dominant_hz(out[int(0.5 * RATE_HZ):int(2.4 * RATE_HZ)]) == pytest.approx(220, abs=2)
    assert _dominant_hz(out[int(2.6 * RATE_HZ):int(3.4 * RATE_HZ)]) == pytest.approx(330, abs=2)
    assert _dominant_hz(out[int(3.6 * RATE_HZ):]) == pytest.approx(220, abs=2)
