"""Play a take or a region of it, and switch between takes at the same position (A/B auditioning).

One output stream; its callback reads the active source at one shared frame position. Switching
sets the active index: the next block comes from the other source at the same position, blended
over that one block so the switch neither gaps nor clicks. Sources are loaded into memory at the
player's rate (the takes being compared are minutes long at most); `match_loudness` gives each
a gain that brings it to the first one's integrated loudness (EBU R128, via pyloudnorm).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import sounddevice as sd
import soundfile as sf
from scipy.signal import resample_poly

from voxbooth.audio.devices import AudioDevice, DeviceRef, choose_rate_hz, resolve_device

Audio = npt.NDArray[np.float32]
LEAD_IN_S = 0.05
TAIL_S = 0.25


def _resample(samples: Audio, from_hz: int, to_hz: int) -> Audio:
    if from_hz == to_hz:
        return samples
    ratio = Fraction(to_hz, from_hz).limit_denominator(1000)
    return resample_poly(samples, ratio.numerator, ratio.denominator, axis=0).astype(np.float32)


def _loudness_lufs(samples: Audio, rate_hz: int) -> float:
    import pyloudnorm

    if samples.shape[0] < int(0.5 * rate_hz):  # too short to gate: plain RMS
        return 20.0 * float(np.log10(np.sqrt(np.mean(samples**2)) + 1e-9))
    return float(pyloudnorm.Meter(rate_hz).integrated_loudness(samples.astype(np.float64)))


class Player:
    """Owner thread: `load`, `play`, `select`, `stop`; poll `position_s` from any thread."""

    def __init__(self, device: DeviceRef | str | None = None, rate_hz: int | None = 48000,
                 channels: int = 1, blocksize: int = 512,
                 latency: float | str = "high") -> None:
        resolved = resolve_device(device, "output")
        self.device: AudioDevice = resolved.device
        self.device_fell_back = resolved.fell_back
        self.rate_hz = choose_rate_hz(self.device, "output", rate_hz, channels)
        self.channels = channels
        self.blocksize = blocksize
        self.latency = latency
        self._sources: list[Audio] = []
        self._gains: list[float] = []
        self._active = 0
        self._previous = 0
        self._pos = 0
        self._end = 0
        self._start = 0
        self.finished = True
        self.underflow_count = 0
        # Some devices (ALSA's pulse plugin among them) drop the first block of a new stream and
        # the last ones buffered when it stops: a little silence on either side keeps the take.
        self._lead_in_frames = int(LEAD_IN_S * self.rate_hz)
        self._tail_frames = int(TAIL_S * self.rate_hz)
        self._silence_frames = 0
        self._stream: sd.OutputStream | None = None
        ramp = np.linspace(0.0, 1.0, blocksize, dtype=np.float32)[:, None]
        self._fade_in = np.ascontiguousarray(ramp)
        self._fade_out = np.ascontiguousarray(1.0 - ramp)
        self._scratch = np.zeros((blocksize, channels), dtype=np.float32)

    # -- sources ------------------------------------------------------------------------------
    def load(self, sources: Sequence[Path | tuple[Audio, int]], match_loudness: bool = False
             ) -> None:
        """Files, or (samples, rate_hz) pairs; all are brought to the player's rate and length."""
        self.stop()
        loaded: list[Audio] = []
        for source in sources:
            if isinstance(source, tuple):
                samples, rate = np.asarray(source[0], dtype=np.float32), source[1]
            else:
                samples, rate = sf.read(source, dtype="float32", always_2d=True)
            if samples.ndim == 1:
                samples = samples[:, None]
            samples = _resample(samples, rate, self.rate_hz)
            loaded.append(self._fit_channels(samples))
        length = max((s.shape[0] for s in loaded), default=0)
        self._sources = [np.pad(s, ((0, length - s.shape[0]), (0, 0))) for s in loaded]
        self._gains = [1.0] * len(loaded)
        if match_loudness and loaded:
            loudness = [_loudness_lufs(s, self.rate_hz) for s in loaded]
            self._gains = [float(10 ** ((loudness[0] - lufs) / 20)) if np.isfinite(lufs) else 1.0
                           for lufs in loudness]
        self._active = self._previous = 0

    def _fit_channels(self, samples: Audio) -> Audio:
        if samples.shape[1] == self.channels:
            return np.ascontiguousarray(samples)
        mono = samples.mean(axis=1, keepdims=True)
        return np.ascontiguousarray(np.repeat(mono, self.channels, axis=1))

    @property
    def gains(self) -> list[float]:
        return list(self._gains)

    @property
    def duration_s(self) -> float:
        return self._sources[0].shape[0] / self.rate_hz if self._sources else 0.0

    # -- audio thread -------------------------------------------------------------------------
    def _callback(self, outdata: Audio, frames: int, time_info: Any,
                  status: sd.CallbackFlags) -> None:
        if status.output_underflow:
            self.underflow_count += 1
        if self._silence_frames > 0:  # lead-in before the region, or tail after it
            outdata[:] = 0.0
            self._silence_frames -= frames
            if self._silence_frames <= 0 and self._pos >= self._end:
                raise sd.CallbackStop  # `finished` is set once the device has played it all
            return
        pos, active, previous = self._pos, self._active, self._previous
        n = max(0, min(frames, self._end - pos))
        if n:
            out = outdata[:n]
            np.multiply(self._sources[active][pos:pos + n], self._gains[active], out=out)
            if previous != active:  # blend from the old source over this one block
                scratch = self._scratch[:n]
                np.multiply(self._sources[previous][pos:pos + n], self._gains[previous],
                            out=scratch)
                scratch *= self._fade_out[:n]
                out *= self._fade_in[:n]
                out += scratch
                self._previous = active
        outdata[n:] = 0.0
        self._pos = pos + n
        if n < frames:
            self._silence_frames = self._tail_frames

    def _finished(self) -> None:
        self.finished = True

    # -- owner --------------------------------------------------------------------------------
    def play(self, start_s: float = 0.0, end_s: float | None = None,
             source: int | None = None) -> None:
        """Play [start_s, end_s) of the active source (or `source`), from the start if omitted."""
        if not self._sources:
            raise ValueError("nothing loaded to play")
        self.stop()
        if source is not None:
            self.select(source)
            self._previous = self._active
        length = self._sources[0].shape[0]
        self._start = min(length, max(0, int(start_s * self.rate_hz)))
        self._end = length if end_s is None else min(length, max(self._start,
                                                                 int(end_s * self.rate_hz)))
        self._pos = self._start
        self._silence_frames = self._lead_in_frames
        self.finished = False
        self._stream = sd.OutputStream(
            device=self.device.index, samplerate=self.rate_hz, channels=self.channels,
            dtype="float32", blocksize=self.blocksize, latency=self.latency,
            callback=self._callback, finished_callback=self._finished,
        )
        self._stream.start()

    def select(self, index: int) -> None:
        """Switch to source `index` at the current position (A/B); safe while playing."""
        if not 0 <= index < len(self._sources):
            raise IndexError(f"no source {index}: {len(self._sources)} loaded")
        self._active = index

    @property
    def active_source(self) -> int:
        return self._active

    @property
    def position_s(self) -> float:
        """Where the listener is now: frames handed to the device, less its output latency."""
        latency = float(self._stream.latency) if self._stream is not None else 0.0
        frames = self._end if self.finished and self._pos >= self._end else (
            self._pos - int(latency * self.rate_hz))
        return max(self._start, frames) / self.rate_hz

    @property
    def playing(self) -> bool:
        return self._stream is not None and not self.finished

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the region has played (for the CLI and tests); False on timeout."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while self.playing:
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def stop(self) -> None:
        """Silence at once (abort drops what the device has buffered)."""
        if self._stream is not None:
            self._stream.abort()
            self._stream.close()
            self._stream = None
        self.finished = True
