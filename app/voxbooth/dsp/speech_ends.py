"""Where speech starts and ends in a take, by the voice activity detector, measured while the take
streams through the quality check: only its first and last `END_S` are kept (at 16 kHz) and
heard, so a ten-minute take costs the detector no more than an eight-second one (it runs at
about a tenth of real time)."""

from __future__ import annotations

from collections import deque
from math import gcd

import numpy as np
import numpy.typing as npt

from voxbooth.dsp.voice_activity import RATE_HZ, probabilities_16k, segments_from_probabilities

END_S = 4.0  # silence longer than this at an end is measured by the level instead
_END_FRAMES = int(END_S * RATE_HZ)


class SpeechEnds:
    """Feed it a take's mono blocks in order (`add`); `silences_s` then says how long each end
    is without speech."""

    def __init__(self, rate_hz: int) -> None:
        g = gcd(int(rate_hz), RATE_HZ)
        self._up, self._down = RATE_HZ // g, int(rate_hz) // g
        self._head: list[npt.NDArray[np.float32]] = []
        self._head_n = 0
        self._tail: deque[npt.NDArray[np.float32]] = deque()
        self._tail_n = 0
        self.frames_16k = 0

    def _to_16k(self, mono: npt.NDArray[np.floating]) -> npt.NDArray[np.float32]:
        if self._up == self._down:
            return np.asarray(mono, dtype=np.float32)
        from scipy.signal import resample_poly

        # block by block: the filter's edges at each join are far shorter than a VAD frame
        return np.asarray(resample_poly(mono, self._up, self._down), dtype=np.float32)

    def add(self, mono: npt.NDArray[np.floating]) -> None:
        audio = self._to_16k(mono)
        if self._head_n < _END_FRAMES:
            part = audio[: _END_FRAMES - self._head_n]
            self._head.append(part)
            self._head_n += len(part)
        self._tail.append(audio)
        self._tail_n += len(audio)
        while self._tail and self._tail_n - len(self._tail[0]) >= _END_FRAMES:
            self._tail_n -= len(self._tail.popleft())
        self.frames_16k += len(audio)

    def silences_s(self) -> tuple[float | None, float | None]:
        """Seconds before the first word and after the last; None for an end whose kept part
        holds no speech (its silence is longer than `END_S`, or nobody speaks)."""
        head = np.concatenate(self._head) if self._head else np.zeros(0, np.float32)
        spoken = segments_from_probabilities(probabilities_16k(head))
        lead = spoken[0].start_s if spoken else None
        if self.frames_16k > len(head):  # the take is longer than its kept head
            tail = np.concatenate(self._tail)[-_END_FRAMES:]
            spoken = segments_from_probabilities(probabilities_16k(tail))
        else:
            tail = head
        trail = len(tail) / RATE_HZ - spoken[-1].end_s if spoken else None
        return lead, (max(0.0, trail) if trail is not None else None)
