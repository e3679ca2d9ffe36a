"""Play a take or a region of it, and switch between takes at the same position (A/B auditioning).

One output stream; its callback reads the active source at one shared frame position. Switching
sets the active index: the next block comes from the other source at the same position, blended
over that one block so the switch neither gaps nor clicks. A loop region wraps inside a block, so
a loop has no gap either; a seek while playing is a request the callback picks up at its next
block (no lock). Sources are loaded into memory at the player's rate (the takes being compared are
minutes long at most); `match_loudness` (or the caller's own `gains`) keeps a louder take from
winning an A/B by being louder.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import soundfile as sf

from voxbooth.audio.devices import (
    AudioDevice,
    DeviceRef,
    choose_rate_hz,
    portaudio,
    resolve_device,
)

if TYPE_CHECKING:
    import sounddevice as sd

Audio = npt.NDArray[np.float32]
Source = Path | str | tuple[npt.ArrayLike, int] | npt.NDArray[Any]
LEAD_IN_S = 0.05
TAIL_S = 0.25
SHORTEST_LOOP_S = 0.05  # a shorter drag on the waveform is a click, not a loop


def resample(samples: npt.ArrayLike, from_hz: int, to_hz: int) -> Audio:
    """Samples (frames first: mono, or frames x channels) at another rate, as float32.

    Polyphase filter at the exact ratio; only a ratio of odd rates is rounded (to within 1/1000).
    scipy.signal is imported here, on first use: at import time it (and scipy.stats behind it)
    cost the studio a second of start-up before its window could paint.
    """
    from scipy.signal import resample_poly

    data = np.asarray(samples, dtype=np.float32)
    if from_hz == to_hz:
        return data
    ratio = Fraction(int(to_hz), int(from_hz))
    if ratio.denominator > 1000:
        ratio = ratio.limit_denominator(1000)
    return resample_poly(data, ratio.numerator, ratio.denominator, axis=0).astype(np.float32)


def loudness_lufs(samples: npt.ArrayLike, rate_hz: int) -> float:
    """Integrated loudness (EBU R128 via pyloudnorm), or RMS dBFS for takes too short to gate."""
    import pyloudnorm

    data = np.asarray(samples, dtype=np.float64)
    if data.shape[0] >= int(0.5 * rate_hz):
        gated = float(pyloudnorm.Meter(rate_hz).integrated_loudness(data))
        if np.isfinite(gated):  # all-silent takes gate to -inf: fall back to RMS below
            return gated
    return 20.0 * float(np.log10(np.sqrt(np.mean(data**2)) + 1e-9)) if data.size else -180.0


def matched_gains(loudness_db: Sequence[float]) -> list[float]:
    """Linear gains that bring every take to the quietest one's loudness.

    Never boosts, so nothing clips; a silent take (no finite loudness) keeps gain 1.
    """
    finite = [level for level in loudness_db if np.isfinite(level)]
    if not finite:
        return [1.0] * len(loudness_db)
    target = min(finite)
    return [float(10 ** ((target - level) / 20.0)) if np.isfinite(level) else 1.0
            for level in loudness_db]


class Player:
    """Owner thread: `load`, `play`/`resume`/`toggle`, `select`, `seek`, `set_loop`, `stop`;
    poll `position_s` and `playing` from any thread.

    `defer_device` opens nothing until the first play (a window can be built with no output
    device; `rate_hz` is then used as given). `crossfade=False` switches on the sample.
    """

    def __init__(self, device: DeviceRef | str | None = None, rate_hz: int | None = 48000,
                 channels: int = 1, blocksize: int = 512,
                 latency: float | str = "high", crossfade: bool = True,
                 defer_device: bool = False) -> None:
        self._device_ref = device
        self.device: AudioDevice | None = None
        self.device_fell_back = False
        if defer_device:
            self.rate_hz = int(rate_hz or 48000)
        else:
            self._resolve_device()
            assert self.device is not None
            self.rate_hz = choose_rate_hz(self.device, "output", rate_hz, channels)
        self.channels = channels
        self.blocksize = blocksize
        self.latency = latency
        self.crossfade = crossfade
        self._sources: list[Audio] = []
        self._gains: list[float] = []
        self._active = 0
        self._previous = 0
        self._pos = 0
        self._end = 0
        self._start = 0
        self._loop: tuple[int, int] | None = None
        self._seek_frame = 0
        self._seek_requests = 0  # owner counts up; the callback catches up (no lock needed)
        self._seeks_done = 0
        self.finished = True
        self.underflow_count = 0
        # Some devices (ALSA's pulse plugin among them) drop the first block of a new stream and
        # the last ones buffered when it stops: a little silence on either side keeps the take.
        self._lead_in_frames = int(LEAD_IN_S * self.rate_hz)
        self._tail_frames = int(TAIL_S * self.rate_hz)
        self._silence_frames = 0
        self._stream: sd.OutputStream | None = None
        self._callback_stop: type[Exception] = Exception  # sounddevice's, from the first open
        ramp = np.linspace(0.0, 1.0, blocksize, dtype=np.float32)[:, None]
        self._fade_in = np.ascontiguousarray(ramp)
        self._fade_out = np.ascontiguousarray(1.0 - ramp)
        self._scratch = np.zeros((blocksize, channels), dtype=np.float32)

    def set_device(self, device: DeviceRef | str | None) -> None:
        """The output from the next play on (None: the system default); a play under way
        keeps its device."""
        self._device_ref = device

    def _resolve_device(self) -> None:
        resolved = resolve_device(self._device_ref, "output")
        self.device = resolved.device
        self.device_fell_back = resolved.fell_back

    # -- sources ------------------------------------------------------------------------------
    def load(self, sources: Sequence[Source], match_loudness: bool = False,
             gains: Sequence[float] | None = None) -> None:
        """Files, (samples, rate_hz) pairs, or bare arrays already at the player's rate; all are
        brought to the player's rate and the longest one's length. `gains` (linear, one per
        source) are the caller's loudness matching; `match_loudness` measures its own."""
        if gains is not None and len(gains) != len(sources):
            raise ValueError(f"{len(gains)} gains for {len(sources)} sources")
        self.stop()
        loaded = [self._fit_channels(self._read_source(source)) for source in sources]
        length = max((s.shape[0] for s in loaded), default=0)
        self._sources = [np.pad(s, ((0, length - s.shape[0]), (0, 0))) for s in loaded]
        self._gains = [float(g) for g in gains] if gains is not None else [1.0] * len(loaded)
        if match_loudness and loaded:
            self._gains = matched_gains([loudness_lufs(s, self.rate_hz) for s in loaded])
        self._active = self._previous = 0
        self._pos = self._start = 0
        self._end = length
        self._loop = None

    def _read_source(self, source: Source) -> Audio:
        if isinstance(source, tuple):
            samples, rate = np.asarray(source[0], dtype=np.float32), int(source[1])
        elif isinstance(source, np.ndarray):
            samples, rate = np.asarray(source, dtype=np.float32), self.rate_hz
        else:
            samples, rate = sf.read(source, dtype="float32", always_2d=True)
        if samples.ndim == 1:
            samples = samples[:, None]
        return resample(samples, rate, self.rate_hz)

    def _fit_channels(self, samples: Audio) -> Audio:
        if samples.shape[1] == self.channels:
            return np.ascontiguousarray(samples)
        mono = samples.mean(axis=1, keepdims=True)
        return np.ascontiguousarray(np.repeat(mono, self.channels, axis=1))

    @property
    def gains(self) -> list[float]:
        return list(self._gains)

    @property
    def track_count(self) -> int:
        return len(self._sources)

    @property
    def _length(self) -> int:
        return self._sources[0].shape[0] if self._sources else 0

    @property
    def duration_s(self) -> float:
        return self._length / self.rate_hz

    # -- audio thread -------------------------------------------------------------------------
    def _read(self, index: int, pos: int, loop: tuple[int, int] | None, out: Audio
              ) -> tuple[int, int]:
        """Fills `out` from source `index` at `pos`, wrapping at the loop's end; returns the
        frames written (fewer at the end) and the position after them."""
        source, gain, frames, done = self._sources[index], self._gains[index], out.shape[0], 0
        while done < frames:
            looping = loop is not None and pos < loop[1]
            stop = loop[1] if loop is not None and looping else self._end
            n = max(0, min(frames - done, stop - pos))
            if n:
                np.multiply(source[pos:pos + n], gain, out=out[done:done + n])
                done += n
                pos += n
            if loop is not None and looping and pos >= loop[1]:
                pos = loop[0]  # wrap inside the block: no gap at the loop's seam
            elif n == 0:
                break
        return done, pos

    def _callback(self, outdata: Audio, frames: int, time_info: Any,
                  status: sd.CallbackFlags | None) -> None:
        if status and status.output_underflow:
            self.underflow_count += 1
        requests = self._seek_requests
        if requests != self._seeks_done:
            self._pos, self._seeks_done = self._seek_frame, requests
        if self._silence_frames > 0:  # lead-in before the region, or tail after it
            outdata[:] = 0.0
            self._silence_frames -= frames
            if self._silence_frames <= 0 and self._pos >= self._end:
                raise self._callback_stop  # `finished` is set once the device has played it all
            return
        pos, active, previous, loop = self._pos, self._active, self._previous, self._loop
        n, after = self._read(active, pos, loop, outdata)
        if n and previous != active:
            if self.crossfade:  # blend from the old source over this one block
                scratch = self._scratch[:n]
                self._read(previous, pos, loop, scratch)
                scratch *= self._fade_out[:n]
                outdata[:n] *= self._fade_in[:n]
                outdata[:n] += scratch
            self._previous = active
        outdata[n:] = 0.0
        self._pos = after
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
        start = min(self._length, max(0, int(start_s * self.rate_hz)))
        end = self._length if end_s is None else min(self._length,
                                                     max(start, int(end_s * self.rate_hz)))
        self._open(start, end)

    def resume(self) -> None:
        """Play on from the current position (where a stop or seek left it) to the end; from
        the loop's start, or the beginning, once at the end. Nothing loaded: nothing to do."""
        if not self._sources:
            return
        self.stop()
        start = self._pos
        if start >= self._length:
            start = self._loop[0] if self._loop is not None else 0
        self._open(start, self._length)

    def toggle(self) -> None:
        """Play/stop, as one key does it: stop while playing, else resume."""
        if self.playing:
            self.stop()
        else:
            self.resume()

    def _open(self, start: int, end: int) -> None:
        # found again by name at every open: a PortAudio restart (the desk's device refresh)
        # renumbers the devices, and a kept index could then name another output
        self._resolve_device()
        assert self.device is not None
        self._start, self._end, self._pos = start, end, start
        self._silence_frames = self._lead_in_frames
        self.finished = False
        sd = portaudio()
        self._callback_stop = sd.CallbackStop
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
    def current(self) -> int:
        """The source playing (or about to): what `select` last chose."""
        return self._active

    def seek(self, seconds: float) -> None:
        """Go to `seconds` (clamped to the take); while playing, from the next block on."""
        frame = max(0, min(int(seconds * self.rate_hz), self._length))
        self._start = 0
        if self._stream is not None and not self.finished:
            self._seek_frame = frame
            self._seek_requests += 1
        else:
            self._pos = frame

    def set_loop(self, start_s: float | None, end_s: float | None = None) -> None:
        """Loop [start_s, end_s) until cleared (`None`); a region under 50 ms clears it too."""
        if start_s is None or end_s is None or end_s - start_s < SHORTEST_LOOP_S:
            self._loop = None
            return
        start = max(0, min(int(start_s * self.rate_hz), self._length))
        end = max(start, min(int(end_s * self.rate_hz), self._length))
        self._loop = (start, end) if end - start >= SHORTEST_LOOP_S * self.rate_hz else None

    @property
    def loop_s(self) -> tuple[float, float] | None:
        return None if self._loop is None else (self._loop[0] / self.rate_hz,
                                                self._loop[1] / self.rate_hz)

    @property
    def position_s(self) -> float:
        """Where the listener is now: frames handed to the device, less its output latency."""
        latency = float(self._stream.latency) if self._stream is not None else 0.0
        if self.finished and self._pos >= self._end:
            frames = self._end
        else:
            frames = self._pos - int(latency * self.rate_hz)
            loop = self._loop
            if loop is not None and loop[0] <= self._pos < loop[1] and frames < loop[0]:
                frames = max(loop[0], loop[1] - (loop[0] - frames))  # heard before the wrap
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
        """Silence at once (abort drops what the device has buffered); the position stays, so
        `resume` plays on from there."""
        if self._stream is not None:
            self._stream.abort()
            self._stream.close()
            self._stream = None
        if self._seek_requests != self._seeks_done:  # asked for while the stream ran out
            self._pos, self._seeks_done = self._seek_frame, self._seek_requests
        self.finished = True
