"""Streaming f0 (pitch) tracking for speech and singing: YIN with FFT autocorrelation.

One estimate per hop (10 ms by default). Each frame is `2 * max_lag` samples long, enough to see
two periods of the lowest note. The YIN cumulative-mean-normalised difference (CMND) is computed
from one FFT cross-correlation plus running energy sums, so a hop costs two real FFTs. The first
CMND dip under the threshold gives the period (the first one, to avoid octave-down errors);
parabolic interpolation of the raw difference refines it to a fraction of a sample.

Unvoiced frames (aperiodic, or quieter than the silence gate) are NaN. A frame whose best dip is
above the threshold still continues a note when a looser dip lies within a semitone of the last
frame's f0 (no look-ahead, so no added latency). Confidence is 1 - CMND at the chosen lag: 1 for
a pure tone, near 0 for noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

_SEMITONE = 2.0 ** (1.0 / 12.0)
_NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def hz_to_midi(f0_hz: float) -> float:
    return 69.0 + 12.0 * float(np.log2(f0_hz / 440.0))


def hz_to_note_name(f0_hz: float, with_cents: bool = False) -> str:
    """440 -> "A4"; 261.6 -> "C4"; with_cents: "A4 +12" (cents off the nearest note)."""
    if not np.isfinite(f0_hz) or f0_hz <= 0:
        return "-"
    midi = hz_to_midi(f0_hz)
    nearest = round(midi)
    name = f"{_NOTE_NAMES[nearest % 12]}{nearest // 12 - 1}"
    if with_cents:
        name += f" {round(100 * (midi - nearest)):+d}"
    return name


def cents_between(a_hz: FloatArray | float, b_hz: FloatArray | float) -> FloatArray:
    return np.asarray(1200.0 * np.log2(np.asarray(a_hz) / np.asarray(b_hz)))


@dataclass(frozen=True)
class PitchFrames:
    """Frames produced by one call: times (s, from the stream's first sample), f0 (Hz, NaN when
    unvoiced) and confidence (0..1)."""

    times_s: FloatArray
    f0_hz: FloatArray
    confidence: FloatArray

    def __len__(self) -> int:
        return int(self.times_s.shape[0])

    @property
    def voiced(self) -> npt.NDArray[np.bool_]:
        return np.isfinite(self.f0_hz)

    @staticmethod
    def concatenate(parts: list[PitchFrames]) -> PitchFrames:
        if not parts:
            empty = np.zeros(0)
            return PitchFrames(empty, empty.copy(), empty.copy())
        return PitchFrames(np.concatenate([p.times_s for p in parts]),
                           np.concatenate([p.f0_hz for p in parts]),
                           np.concatenate([p.confidence for p in parts]))


class PitchTracker:
    """Feed blocks as they arrive (any size, mono or frames x channels); get the finished frames.

    Not thread-safe: one owner (the studio's timer or an analysis thread) calls `process`.
    """

    def __init__(self, rate_hz: int, *, hop_s: float = 0.01, fmin_hz: float = 50.0,
                 fmax_hz: float = 1000.0, threshold: float = 0.2,
                 continue_threshold: float = 0.5, silence_db: float = -55.0) -> None:
        if not 0 < fmin_hz < fmax_hz < rate_hz / 2:
            raise ValueError("need 0 < fmin_hz < fmax_hz < rate_hz / 2")
        self.rate_hz = rate_hz
        self.hop = max(1, round(hop_s * rate_hz))
        self.hop_s = self.hop / rate_hz
        self.min_lag = max(2, int(np.floor(rate_hz / fmax_hz)))
        self.max_lag = int(np.ceil(rate_hz / fmin_hz))
        self.window = self.max_lag  # integration window: one period of the lowest note
        self.frame_length = self.window + self.max_lag + 1
        self.threshold = threshold
        self.continue_threshold = continue_threshold
        self._previous_f0_hz = float("nan")
        self._silence_power = 10.0 ** (silence_db / 10.0)
        self._fft_size = 1 << int(np.ceil(np.log2(self.frame_length)))
        self._buffer = np.zeros(self.frame_length + 8 * self.hop, dtype=np.float64)
        self._filled = 0
        self._frames_done = 0
        self._lags = np.arange(self.max_lag + 1, dtype=np.float64)
        # A frame measures the samples under [0, window) against those one period later, so its
        # time is the window's centre plus half a period (of a mid-range note: the period is
        # not known before the analysis, and a uniform time grid is what the view draws).
        mid_period = rate_hz / float(np.sqrt(fmin_hz * fmax_hz))
        self._centre_samples = (self.window + mid_period) / 2

    @property
    def latency_s(self) -> float:
        """How far behind the newest sample a frame's time stamp is, at best."""
        return (self.frame_length - self._centre_samples) / self.rate_hz

    def reset(self) -> None:
        self._filled = 0
        self._frames_done = 0
        self._previous_f0_hz = float("nan")

    def process(self, block: npt.NDArray[np.floating]) -> PitchFrames:
        """Append samples; analyse every frame now complete. Frame k starts `k * hop` samples
        after the stream's first sample; its time stamp is the middle of what it measures."""
        samples = np.asarray(block, dtype=np.float64)
        if samples.ndim == 2:
            samples = samples.mean(axis=1)
        times: list[float] = []
        f0s: list[float] = []
        confs: list[float] = []
        while samples.size:
            room = self._buffer.size - self._filled
            take = min(room, samples.size)
            self._buffer[self._filled:self._filled + take] = samples[:take]
            self._filled += take
            samples = samples[take:]
            consumed = 0
            while self._filled - consumed >= self.frame_length:
                frame = self._buffer[consumed:consumed + self.frame_length]
                f0, conf = self.analyse_frame(frame)
                times.append((self._frames_done * self.hop + self._centre_samples) / self.rate_hz)
                f0s.append(f0)
                confs.append(conf)
                self._frames_done += 1
                consumed += self.hop
            if consumed:  # keep the tail that later frames still need
                remaining = self._filled - consumed
                self._buffer[:remaining] = self._buffer[consumed:self._filled]
                self._filled = remaining
        return PitchFrames(np.array(times), np.array(f0s), np.array(confs))

    def _cmnd(self, frame: FloatArray) -> tuple[FloatArray, FloatArray]:
        """The YIN difference d(lag) and its cumulative-mean-normalised form, lags 0..max_lag."""
        w, n = self.window, self._fft_size
        spectrum = np.fft.rfft(frame, n)
        head = np.fft.rfft(frame[:w], n)
        cross = np.fft.irfft(np.conj(head) * spectrum, n)[: self.max_lag + 1]
        energy = np.concatenate(([0.0], np.cumsum(frame * frame)))
        head_energy = energy[w]
        shifted_energy = energy[w:w + self.max_lag + 1] - energy[: self.max_lag + 1]
        diff = np.maximum(head_energy + shifted_energy - 2.0 * cross, 0.0)
        diff[0] = 0.0
        running = np.cumsum(diff[1:])
        cmnd = np.ones_like(diff)
        cmnd[1:] = diff[1:] * self._lags[1:] / np.maximum(running, 1e-20)
        return diff, cmnd

    def analyse_frame(self, frame: FloatArray) -> tuple[float, float]:
        """(f0_hz or NaN, confidence) of one frame of `frame_length` samples."""
        head = frame[: self.window]
        if float(np.dot(head, head)) / self.window < self._silence_power:
            self._previous_f0_hz = float("nan")
            return float("nan"), 0.0
        diff, cmnd = self._cmnd(frame)
        lag = self._pick_lag(cmnd)
        if cmnd[lag] >= self.threshold:
            lag = self._continue_lag(cmnd)
        confidence = float(np.clip(1.0 - cmnd[lag], 0.0, 1.0)) if lag else 0.0
        f0_hz = self.rate_hz / self._refine(diff, lag) if lag else float("nan")
        self._previous_f0_hz = f0_hz
        return f0_hz, confidence

    def _continue_lag(self, cmnd: FloatArray) -> int:
        """A weaker dip within a semitone of the last frame's f0 still continues the note.

        Onsets, offsets and breathy or creaky stretches are less periodic than the middle of a
        vowel; a trace that holds through them is what a singer expects to see. 0: unvoiced.
        """
        previous = self._previous_f0_hz
        if not np.isfinite(previous):
            return 0
        low = max(self.min_lag, int(self.rate_hz / (previous * _SEMITONE)))
        high = min(self.max_lag, int(np.ceil(self.rate_hz * _SEMITONE / previous)) + 1)
        if high - low < 3:
            return 0
        lag = low + int(np.argmin(cmnd[low:high]))
        is_dip = low < lag < high - 1  # a minimum inside the window, not its edge
        return lag if is_dip and cmnd[lag] < self.continue_threshold else 0

    def _pick_lag(self, cmnd: FloatArray) -> int:
        search = cmnd[self.min_lag: self.max_lag]
        below = np.flatnonzero(search < self.threshold)
        if below.size == 0:
            return self.min_lag + int(np.argmin(search))
        lag = self.min_lag + int(below[0])
        while lag + 1 < self.max_lag and cmnd[lag + 1] < cmnd[lag]:
            lag += 1  # walk down to the bottom of this dip
        return lag

    @staticmethod
    def _refine(diff: FloatArray, lag: int) -> float:
        if lag < 1 or lag + 1 >= diff.size:
            return float(lag)
        left, centre, right = diff[lag - 1], diff[lag], diff[lag + 1]
        curvature = left - 2.0 * centre + right
        if curvature <= 0:
            return float(lag)
        return lag + 0.5 * (left - right) / curvature


def track_pitch(samples: npt.NDArray[np.floating], rate_hz: int, **options: float) -> PitchFrames:
    """The whole signal at once (a finished take), same frames as the streaming tracker."""
    return PitchTracker(rate_hz, **options).process(samples)


@dataclass(frozen=True)
class PitchSummary:
    median_f0_hz: float
    voiced_fraction: float

    @property
    def note_name(self) -> str:
        return hz_to_note_name(self.median_f0_hz, with_cents=True)

    def describe(self) -> str:
        if not np.isfinite(self.median_f0_hz):
            return f"no pitch found (voiced {100 * self.voiced_fraction:.0f} %)"
        return (f"median f0 {self.median_f0_hz:.1f} Hz ({self.note_name}), "
                f"voiced {100 * self.voiced_fraction:.0f} %")


def summarise_pitch(frames: PitchFrames) -> PitchSummary:
    voiced = frames.f0_hz[frames.voiced]
    median = float(np.median(voiced)) if voiced.size else float("nan")
    fraction = float(voiced.size / len(frames)) if len(frames) else 0.0
    return PitchSummary(median, fraction)
