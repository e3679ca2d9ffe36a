"""The live level meter: peak and RMS in dBFS, peak hold, clip hold, DC offset, noise floor.

Fed with whatever the ring reader returned since the last paint (any block size). The noise floor
is the 10th percentile of the RMS of 50 ms slices over the last 10 s: a quiet room between phrases
shows as itself, without the artist having to record silence on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

SILENCE_DB = -120.0
CLIP_LEVEL = 0.999  # |sample| at or above this counts as clipped (full scale after conversion)


def to_db(amplitude: float) -> float:
    return 20.0 * float(np.log10(amplitude)) if amplitude > 1e-6 else SILENCE_DB


@dataclass(frozen=True)
class LevelReading:
    peak_db: float          # loudest sample of the last update, dBFS
    rms_db: float           # RMS of the last update, dBFS
    peak_hold_db: float     # held peak (holds `hold_s`, then falls)
    clipped: bool           # clip hold: stays set until `reset_clip()`
    clipped_samples: int    # since the last reset
    dc_offset: float        # mean over the last few seconds, in full-scale units
    noise_floor_db: float   # running estimate, dBFS


class LevelMeter:
    """Not thread-safe: one owner (the desk's timer) calls `update` and `reset_clip`."""

    def __init__(self, rate_hz: int, *, hold_s: float = 1.5, fall_db_per_s: float = 20.0,
                 floor_window_s: float = 10.0, dc_window_s: float = 3.0) -> None:
        self.rate_hz = rate_hz
        self.hold_s = hold_s
        self.fall_db_per_s = fall_db_per_s
        self._slice = max(1, int(0.05 * rate_hz))
        self._slice_power = np.full(max(1, int(floor_window_s / 0.05)), np.nan)
        self._slice_count = 0
        self._partial_sum = 0.0
        self._partial_n = 0
        self._dc_alpha = 1.0 / max(1.0, dc_window_s * rate_hz)
        self._dc = 0.0
        self._dc_seen = 0
        self._peak_hold_db = SILENCE_DB
        self._held_for_s = 0.0
        self._clipped_samples = 0
        self._last = LevelReading(SILENCE_DB, SILENCE_DB, SILENCE_DB, False, 0, 0.0, SILENCE_DB)

    @property
    def reading(self) -> LevelReading:
        return self._last

    def reset_clip(self) -> None:
        self._clipped_samples = 0
        self._peak_hold_db = SILENCE_DB
        self._last = LevelReading(self._last.peak_db, self._last.rms_db, SILENCE_DB, False, 0,
                                  self._last.dc_offset, self._last.noise_floor_db)

    def update(self, block: npt.NDArray[np.floating]) -> LevelReading:
        samples = np.asarray(block, dtype=np.float64)
        if samples.ndim == 2:  # the meter shows the loudest channel's peak, mixed RMS
            peak_source, samples = samples, samples.mean(axis=1)
        else:
            peak_source = samples
        if samples.size == 0:
            return self._last
        peak = float(np.max(np.abs(peak_source)))
        self._clipped_samples += int(np.count_nonzero(np.abs(peak_source) >= CLIP_LEVEL))
        self._update_dc(samples)
        self._update_floor(samples - self._dc)
        rms_db = to_db(float(np.sqrt(np.mean((samples - self._dc) ** 2))))
        peak_db = to_db(peak)
        self._update_hold(peak_db, samples.size / self.rate_hz)
        self._last = LevelReading(peak_db, rms_db, self._peak_hold_db, self._clipped_samples > 0,
                                  self._clipped_samples, self._dc, self.noise_floor_db())
        return self._last

    def _update_dc(self, samples: npt.NDArray[np.float64]) -> None:
        # One-pole average over `dc_window_s`, applied per block (blocks are short); until a
        # window has passed it is the plain mean so far, so the first reading is already right.
        self._dc_seen += samples.size
        weight = min(1.0, max(self._dc_alpha * samples.size, samples.size / self._dc_seen))
        self._dc += weight * (float(samples.mean()) - self._dc)

    def _update_hold(self, peak_db: float, elapsed_s: float) -> None:
        if peak_db >= self._peak_hold_db:
            self._peak_hold_db, self._held_for_s = peak_db, 0.0
            return
        self._held_for_s += elapsed_s
        if self._held_for_s > self.hold_s:
            fallen = self._peak_hold_db - self.fall_db_per_s * elapsed_s
            self._peak_hold_db = max(peak_db, fallen)

    def _update_floor(self, samples: npt.NDArray[np.float64]) -> None:
        start = 0
        while start < samples.size:
            take = min(self._slice - self._partial_n, samples.size - start)
            chunk = samples[start:start + take]
            self._partial_sum += float(np.dot(chunk, chunk))
            self._partial_n += take
            start += take
            if self._partial_n == self._slice:
                index = self._slice_count % self._slice_power.size
                self._slice_power[index] = self._partial_sum / self._slice
                self._slice_count += 1
                self._partial_sum, self._partial_n = 0.0, 0

    def noise_floor_db(self) -> float:
        filled = self._slice_power[np.isfinite(self._slice_power)]
        if filled.size == 0:
            return SILENCE_DB
        return to_db(float(np.sqrt(np.percentile(filled, 10))))
