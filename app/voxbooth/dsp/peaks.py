"""Min/max peak pyramids: draw a long take at any zoom without reading all of its samples.

Level 0 holds the minimum and maximum of every `base_block` samples; each level above reduces
`factor` peaks of the level below into one. A view showing N samples per pixel picks the coarsest
level with at most N samples per peak (`level_for`) and draws one vertical line per peak, so a
one-hour take at full width reads a few thousand peaks, not 170 million samples.

`PeakBuilder` grows level 0 block by block, so the recorder can build peaks while it writes the
take; `PeakPyramid.to_bytes` stores them compactly (int16, about 1/128 of 16-bit audio).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

_MAGIC = b"VXPK"
_VERSION = 1
_HEADER = struct.Struct("<4sHIQIHH")  # magic, version, rate, frames, base, factor, levels
_LEVEL_HEADER = struct.Struct("<QQ")  # samples per peak, peak count
_INT16_SCALE = 32767.0


@dataclass(frozen=True)
class PeakLevel:
    """One zoom level: `mins[i]`/`maxs[i]` cover samples [i*spp, (i+1)*spp)."""

    samples_per_peak: int
    mins: np.ndarray  # float32
    maxs: np.ndarray  # float32

    def __len__(self) -> int:
        return int(self.mins.shape[0])

    def interleaved(self) -> np.ndarray:
        """float32 [min0, max0, min1, max1, ...], the layout waveform widgets draw from."""
        out = np.empty(2 * len(self), dtype=np.float32)
        out[0::2] = self.mins
        out[1::2] = self.maxs
        return out

    def span(self, start_frame: int, end_frame: int) -> PeakLevel:
        """The peaks covering samples [start_frame, end_frame): what one screen shows."""
        first = max(0, start_frame // self.samples_per_peak)
        last = max(first, -(-end_frame // self.samples_per_peak))
        return PeakLevel(self.samples_per_peak, self.mins[first:last], self.maxs[first:last])


@dataclass(frozen=True)
class PeakPyramid:
    sample_rate_hz: int
    frames: int
    base_block: int
    factor: int
    levels: tuple[PeakLevel, ...]  # finest first

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate_hz if self.sample_rate_hz else 0.0

    def level_for(self, samples_per_pixel: float) -> PeakLevel:
        """The coarsest level that still gives at least one peak per pixel."""
        chosen = self.levels[0]
        for level in self.levels[1:]:
            if level.samples_per_peak > samples_per_pixel:
                break
            chosen = level
        return chosen

    def to_json(self, level: int | PeakLevel = 0, *, start_frame: int = 0,
                end_frame: int | None = None) -> dict[str, Any]:
        """`{"sample_rate", "samples_per_peak", "start_frame", "frames", "peaks": [[min, max]]}`."""
        chosen = self.levels[level] if isinstance(level, int) else level
        shown = chosen.span(start_frame, self.frames if end_frame is None else end_frame)
        return {
            "sample_rate": self.sample_rate_hz,
            "frames": self.frames,
            "duration_s": self.duration_s,
            "samples_per_peak": shown.samples_per_peak,
            "start_frame": (max(0, start_frame) // shown.samples_per_peak)
            * shown.samples_per_peak,
            "levels": [lvl.samples_per_peak for lvl in self.levels],
            "peaks": np.round(np.stack([shown.mins, shown.maxs], axis=1).astype(np.float64),
                              5).tolist(),
        }

    def to_bytes(self) -> bytes:
        parts = [_HEADER.pack(_MAGIC, _VERSION, self.sample_rate_hz, self.frames,
                              self.base_block, self.factor, len(self.levels))]
        for level in self.levels:
            parts.append(_LEVEL_HEADER.pack(level.samples_per_peak, len(level)))
            # floor the minima and ceil the maxima so quantising never shrinks the outline
            quantised = np.empty(2 * len(level), dtype="<i2")
            quantised[0::2] = np.clip(np.floor(level.mins * _INT16_SCALE), -32767, 32767)
            quantised[1::2] = np.clip(np.ceil(level.maxs * _INT16_SCALE), -32767, 32767)
            parts.append(quantised.tobytes())
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes) -> PeakPyramid:
        if len(data) < _HEADER.size:
            raise ValueError("peak data is shorter than its header")
        magic, version, rate_hz, frames, base, factor, count = _HEADER.unpack_from(data)
        if magic != _MAGIC or version != _VERSION:
            raise ValueError("not VoxBooth peak data (bad magic or version)")
        offset = _HEADER.size
        levels = []
        for _ in range(count):
            spp, peaks = _LEVEL_HEADER.unpack_from(data, offset)
            offset += _LEVEL_HEADER.size
            values = np.frombuffer(data, dtype="<i2", count=2 * peaks, offset=offset)
            offset += 4 * peaks
            scaled = values.astype(np.float32) / _INT16_SCALE
            levels.append(PeakLevel(int(spp), scaled[0::2].copy(), scaled[1::2].copy()))
        return cls(int(rate_hz), int(frames), int(base), int(factor), tuple(levels))


class PeakBuilder:
    """Builds level 0 as audio arrives; `pyramid()` gives the whole pyramid at any moment."""

    def __init__(self, sample_rate_hz: int, *, base_block: int = 256, factor: int = 4) -> None:
        if base_block < 1 or factor < 2:
            raise ValueError("base_block must be >= 1 and factor >= 2")
        self.sample_rate_hz = sample_rate_hz
        self.base_block = base_block
        self.factor = factor
        self.frames = 0
        self._mins: list[np.ndarray] = []
        self._maxs: list[np.ndarray] = []
        self._carry_min = np.empty(0, dtype=np.float32)
        self._carry_max = np.empty(0, dtype=np.float32)

    def add(self, block: np.ndarray) -> None:
        """Samples (frames,) or (frames, channels); channels share one outline (min/max)."""
        data = np.asarray(block, dtype=np.float32)
        lows = data if data.ndim == 1 else data.min(axis=1)
        highs = data if data.ndim == 1 else data.max(axis=1)
        self.frames += lows.shape[0]
        lows = np.concatenate([self._carry_min, lows])
        highs = np.concatenate([self._carry_max, highs])
        whole = (lows.shape[0] // self.base_block) * self.base_block
        if whole:
            self._mins.append(lows[:whole].reshape(-1, self.base_block).min(axis=1))
            self._maxs.append(highs[:whole].reshape(-1, self.base_block).max(axis=1))
        self._carry_min, self._carry_max = lows[whole:].copy(), highs[whole:].copy()

    def _level0(self) -> PeakLevel:
        if len(self._mins) > 1:  # join once, so later snapshots do not re-join every piece
            self._mins = [np.concatenate(self._mins)]
            self._maxs = [np.concatenate(self._maxs)]
        mins, maxs = list(self._mins), list(self._maxs)
        if self._carry_min.shape[0]:  # the last, partial block counts too
            mins.append(self._carry_min.min(keepdims=True))
            maxs.append(self._carry_max.max(keepdims=True))
        empty = np.empty(0, np.float32)
        return PeakLevel(self.base_block, np.concatenate([empty, *mins]),
                         np.concatenate([empty, *maxs]))

    def pyramid(self) -> PeakPyramid:
        levels = [self._level0()]
        while len(levels[-1]) > 1:
            levels.append(_coarser(levels[-1], self.factor))
        return PeakPyramid(self.sample_rate_hz, self.frames, self.base_block, self.factor,
                           tuple(levels))


def _coarser(level: PeakLevel, factor: int) -> PeakLevel:
    count = -(-len(level) // factor)
    pad = count * factor - len(level)
    # pad with values that never win, so the last partial group reduces over real peaks only
    mins = np.concatenate([level.mins, np.full(pad, np.inf, np.float32)])
    maxs = np.concatenate([level.maxs, np.full(pad, -np.inf, np.float32)])
    return PeakLevel(level.samples_per_peak * factor,
                     mins.reshape(count, factor).min(axis=1),
                     maxs.reshape(count, factor).max(axis=1))


def build_peaks(samples_mono: np.ndarray, sample_rate_hz: int, *, base_block: int = 256,
                factor: int = 4) -> PeakPyramid:
    builder = PeakBuilder(sample_rate_hz, base_block=base_block, factor=factor)
    builder.add(samples_mono)
    return builder.pyramid()
