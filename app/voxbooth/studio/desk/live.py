"""Live analysis of the open microphone, pulled by the desk's timer (Qt-free, one owner thread).

Each `pull()` reads what the capture's ring received since the last one, feeds the f0 tracker and
the level meter, and appends to the scrolling series the view draws: an envelope (min and max of
every 10 ms) for the waveform and one f0 point per 10 ms hop (NaN when unvoiced). Times are in
seconds of stream since the analysis started.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from voxbooth.audio.ring import LiveRing, RingReader
from voxbooth.dsp.levels import LevelMeter, LevelReading
from voxbooth.dsp.pitch import PitchTracker
from voxbooth.studio.desk.series import ScrollingSeries

ENVELOPE_STEP_S = 0.01
SHOWN_S = 6.0
# The desk tracks speech and singing; 60..1000 Hz covers a bass to a child's high notes.
F0_MIN_HZ = 60.0
F0_MAX_HZ = 1000.0


@dataclass(frozen=True)
class LiveUpdate:
    """What one pull added: the newest f0 (Hz or NaN), the level, and the stream time (s)."""

    frames_read: int
    newest_f0_hz: float
    level: LevelReading
    now_s: float
    frames_missed: int


class LiveAnalysis:
    def __init__(self, ring: LiveRing, rate_hz: int, shown_s: float = SHOWN_S) -> None:
        self.rate_hz = rate_hz
        self.reader: RingReader = ring.reader()
        self.start_frame = self.reader.position
        self.tracker = PitchTracker(rate_hz, fmin_hz=F0_MIN_HZ, fmax_hz=F0_MAX_HZ)
        self.meter = LevelMeter(rate_hz)
        self._step = max(1, int(ENVELOPE_STEP_S * rate_hz))
        self._pending = np.zeros(self._step, dtype=np.float64)
        self._pending_n = 0
        self._env_frames = 0
        points = int(shown_s / ENVELOPE_STEP_S)
        self.envelope = ScrollingSeries(2 * points)  # min and max per step, interleaved
        self.f0 = ScrollingSeries(int(shown_s / self.tracker.hop_s))
        self.f0_all: list[npt.NDArray[np.float64]] = []  # kept while `collecting` (calibration)
        self.collecting = False
        self.frames_analysed = 0
        # voiced f0 of the last few minutes: the artist's pitch when no calibration is enabled
        self.voiced_f0_hz: deque[float] = deque(maxlen=20000)

    def pull(self) -> LiveUpdate:
        block = self.reader.read_new()
        mono = block.mean(axis=1) if block.ndim == 2 else block
        newest = float("nan")
        if mono.shape[0]:
            self.meter.update(mono)
            frames = self.tracker.process(mono)
            if len(frames):
                self.f0.extend(frames.times_s, frames.f0_hz)
                newest = float(frames.f0_hz[-1])
                voiced = frames.f0_hz[np.isfinite(frames.f0_hz)]
                self.voiced_f0_hz.extend(voiced.tolist())
                if self.collecting:
                    self.f0_all.append(frames.f0_hz.copy())
            self._add_envelope(mono)
            self.frames_analysed += int(mono.shape[0])
        return LiveUpdate(int(mono.shape[0]), newest, self.meter.reading,
                          self.frames_analysed / self.rate_hz, self.reader.frames_missed)

    def _add_envelope(self, mono: npt.NDArray[np.floating]) -> None:
        step = self._step
        data = np.asarray(mono, dtype=np.float64)
        if self._pending_n:
            fill = min(step - self._pending_n, data.shape[0])
            self._pending[self._pending_n:self._pending_n + fill] = data[:fill]
            self._pending_n += fill
            data = data[fill:]
            if self._pending_n < step:
                return
            self._append_steps(self._pending.reshape(1, step))
            self._pending_n = 0
        whole = data.shape[0] // step * step
        if whole:
            self._append_steps(data[:whole].reshape(-1, step))
        rest = data.shape[0] - whole
        self._pending[:rest] = data[whole:]
        self._pending_n = rest

    def _append_steps(self, steps: npt.NDArray[np.float64]) -> None:
        n = steps.shape[0]
        times = (self._env_frames + self._step * np.arange(n)) / self.rate_hz
        self._env_frames += n * self._step
        x = np.repeat(times, 2)
        y = np.empty(2 * n)
        y[0::2] = steps.min(axis=1)
        y[1::2] = steps.max(axis=1)
        self.envelope.extend(x, y)

    def session_f0_hz(self, min_frames: int = 100) -> float | None:
        """Median voiced f0 heard this session (1 s of voicing at least), else None."""
        if len(self.voiced_f0_hz) < min_frames:
            return None
        return float(np.median(np.fromiter(self.voiced_f0_hz, dtype=np.float64)))

    def start_collecting(self) -> None:
        self.f0_all = []
        self.collecting = True

    def stop_collecting(self) -> npt.NDArray[np.float64]:
        self.collecting = False
        return np.concatenate(self.f0_all) if self.f0_all else np.zeros(0)
