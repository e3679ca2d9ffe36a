"""Real and synthetic speech for the tests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def arctic_speech_path() -> Path:
    """CMU ARCTIC utterance a0007 (male US English, 16 kHz), shipped inside pysptk's wheel."""
    import pysptk.util

    return Path(pysptk.util.example_audio_file())


def repeated_speech_wav(path: Path, repeats: int, dest: Path) -> Path:
    """`path` played `repeats` times back to back into a 16-bit WAV at `dest` (for the 10 s
    minimum of calibrations and voice samples, or for longer originals)."""
    import numpy as np
    import soundfile

    samples, rate_hz = soundfile.read(path, dtype="int16")
    soundfile.write(dest, np.concatenate([samples] * repeats), rate_hz, subtype="PCM_16")
    return dest


def praat_median_f0_hz(samples: object, rate_hz: int, floor_hz: float = 60.0,
                       ceiling_hz: float = 700.0) -> float:
    """The median f0 of the voiced frames as Praat hears it (an independent measure)."""
    import numpy as np
    import parselmouth

    sound = parselmouth.Sound(np.asarray(samples, dtype=np.float64), rate_hz)
    f0 = sound.to_pitch(pitch_floor=floor_hz, pitch_ceiling=ceiling_hz)
    voiced = f0.selected_array["frequency"]
    return float(np.median(voiced[voiced > 0.0]))


def harmonic_tone(seconds: float, rate_hz: int, f0_hz: float = 130.0) -> np.ndarray:
    """A steady harmonic tone, as a hum or an electrical buzz: periodic, so a pitch tracker
    calls every frame of it voiced, yet nobody speaks (float64 mono, peak 0.3)."""
    import numpy as np

    t = np.arange(int(seconds * rate_hz)) / rate_hz
    harmonics = range(1, int(4000.0 / f0_hz) + 1)
    tone = sum(np.sin(2 * np.pi * k * f0_hz * t) / k for k in harmonics)
    return 0.3 * np.asarray(tone) / float(np.max(np.abs(tone)))
