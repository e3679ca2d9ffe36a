"""Playback of a take and its conversions, switching between them at the same position.

Qt-free. All tracks are resampled to one output rate when loaded, so a switch is only a change
of which array the audio callback reads: no gap, no seek. The GUI pulls `position_s` on a timer
(STYLE.md habit 2); the callback copies into the output buffer and returns (habit 1).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from math import gcd
from typing import Any

import numpy as np

OUTPUT_RATE_HZ = 48000
BLOCK_FRAMES = 512


def resample(samples: np.ndarray, from_hz: int, to_hz: int) -> np.ndarray:
    if from_hz == to_hz:
        return samples.astype(np.float32, copy=False)
    from scipy.signal import resample_poly

    g = gcd(from_hz, to_hz)
    return resample_poly(samples, to_hz // g, from_hz // g).astype(np.float32)


def matched_gains(loudness_db: Sequence[float]) -> list[float]:
    """Linear gains that bring every track to the quietest one's loudness (never boosts, so
    nothing clips), so a louder conversion does not win an A/B by being louder."""
    if not loudness_db:
        return []
    target = min(loudness_db)
    return [float(10 ** ((target - level) / 20.0)) for level in loudness_db]


class AuditionPlayer:
    """One output stream; `tracks[i]` are equal-rate mono arrays, `current` picks which plays."""

    def __init__(self, device: int | str | None = None, rate_hz: int = OUTPUT_RATE_HZ) -> None:
        self.device = device
        self.rate_hz = rate_hz
        self._tracks: list[np.ndarray] = []
        self._gains: list[float] = []
        self._current = 0
        self._frame = 0
        self._loop: tuple[int, int] | None = None
        self._playing = False
        self._stream: Any = None
        self._lock = threading.Lock()  # guards track lists against the GUI; never in callback

    # -- set-up (GUI thread) --------------------------------------------------------------------
    def load(self, tracks: Sequence[np.ndarray], gains: Sequence[float] | None = None) -> None:
        self.stop()
        with self._lock:
            self._tracks = [np.ascontiguousarray(t, dtype=np.float32) for t in tracks]
            self._gains = list(gains) if gains is not None else [1.0] * len(tracks)
            self._current = 0
            self._frame = 0
            self._loop = None

    @property
    def track_count(self) -> int:
        return len(self._tracks)

    @property
    def current(self) -> int:
        return self._current

    def select(self, index: int) -> None:
        """Switches track at the current position (gapless: the next block reads the other)."""
        if 0 <= index < len(self._tracks):
            self._current = index

    @property
    def duration_s(self) -> float:
        return max((len(t) for t in self._tracks), default=0) / self.rate_hz

    @property
    def position_s(self) -> float:
        return self._frame / self.rate_hz

    def seek(self, seconds: float) -> None:
        self._frame = max(0, min(int(seconds * self.rate_hz), int(self.duration_s * self.rate_hz)))

    def set_loop(self, start_s: float | None, end_s: float | None) -> None:
        if start_s is None or end_s is None or end_s - start_s < 0.05:
            self._loop = None
        else:
            self._loop = (int(start_s * self.rate_hz), int(end_s * self.rate_hz))

    @property
    def playing(self) -> bool:
        return self._playing

    def play(self) -> None:
        if not self._tracks:
            return
        if self._frame >= int(self.duration_s * self.rate_hz):
            self._frame = self._loop[0] if self._loop else 0
        if self._stream is None:
            import sounddevice as sd

            self._stream = sd.OutputStream(samplerate=self.rate_hz, channels=1, dtype="float32",
                                           blocksize=BLOCK_FRAMES, device=self.device,
                                           callback=self._callback)
        self._playing = True
        self._stream.start()

    def stop(self) -> None:
        self._playing = False
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.abort()  # abort, not stop: a starved stream's stop() can hang (SETUP-NOTES)
            stream.close()

    def toggle(self) -> None:
        self.stop() if self._playing else self.play()

    # -- the audio callback (real-time thread) ----------------------------------------------------
    def _callback(self, outdata: np.ndarray, frames: int, _time: Any, _status: Any) -> None:
        out = outdata[:, 0]
        track = self._tracks[self._current]
        gain = self._gains[self._current]
        loop = self._loop
        frame, done = self._frame, 0
        while done < frames:
            stop = min(loop[1] if loop is not None and frame < loop[1] else len(track), len(track))
            n = max(0, min(frames - done, stop - frame))
            if n:
                np.multiply(track[frame:frame + n], gain, out=out[done:done + n])
            done += n
            frame += n
            if loop is not None and frame >= loop[1]:
                frame = loop[0]  # wrap inside the block: a loop has no gap either
            elif n == 0:
                break
        out[done:] = 0.0
        self._frame = frame
        if done < frames:
            self._playing = False  # the end: the GUI timer notices and stops the stream
