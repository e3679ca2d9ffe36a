"""Speech for the engine tests: the real ARCTIC take and a synthetic speaker."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.engine.measure import praat_median_hz, synthetic_speech


@pytest.fixture(scope="session")
def arctic(speech_path: Path) -> tuple[np.ndarray, int]:
    samples, rate_hz = soundfile.read(speech_path, dtype="float64")
    return samples, int(rate_hz)


@pytest.fixture(scope="session")
def arctic_f0_hz(arctic: tuple[np.ndarray, int]) -> float:
    """The ARCTIC speaker's f0 as Praat hears it: what a calibration of him would say."""
    samples, rate_hz = arctic
    return praat_median_hz(samples, rate_hz, 60.0, 400.0)


@pytest.fixture(scope="session")
def synthetic() -> tuple[np.ndarray, int]:
    return synthetic_speech(16_000, 190.0, 3.0), 16_000
