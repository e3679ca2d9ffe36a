"""Record a take from an input device straight to disk, with a live ring for the view.

Three activities, none waits for another: the PortAudio callback (copies each block into the live
ring and the hand-off, counts overflows, returns), the writer thread (drains the hand-off to the
take file, flushes, watches the stream's health), and the owner (the studio's timer or the CLI),
which polls `status()` and reads the ring.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import sounddevice as sd

from voxbooth.audio.devices import AudioDevice, DeviceRef, choose_rate_hz, resolve_device
from voxbooth.audio.ring import Handoff, LiveRing
from voxbooth.audio.take_file import TakeFile, TakeFormat


@dataclass(frozen=True)
class RecorderStatus:
    """A snapshot the owner polls while the take runs."""

    recording: bool
    frames_recorded: int
    frames_on_disk: int
    overflow_count: int
    frames_dropped: int
    error: str | None
    rate_hz: int

    @property
    def duration_s(self) -> float:
        return self.frames_recorded / self.rate_hz


@dataclass(frozen=True)
class TakeResult:
    path: Path
    rate_hz: int
    channels: int
    frames: int
    overflow_count: int
    frames_dropped: int
    error: str | None

    @property
    def duration_s(self) -> float:
        return self.frames / self.rate_hz


class Recorder:
    """One take: `start()`, poll `status()` and read `ring`, then `stop()` (not from the callback).

    `rate_hz` is the rate in use, which may differ from the one asked for when the device refuses
    it; `device_fell_back` says the remembered device was gone and the default was used.
    """

    def __init__(self, path: Path, *, device: DeviceRef | str | None = None,
                 rate_hz: int | None = 48000, channels: int = 1,
                 take_format: TakeFormat | None = None, live_seconds: float = 30.0,
                 handoff_seconds: float = 10.0, latency: float | str = "high",
                 sync_interval_s: float = 1.0, stall_timeout_s: float = 3.0) -> None:
        self.path = Path(path)
        resolved = resolve_device(device, "input")
        self.device: AudioDevice = resolved.device
        self.device_fell_back = resolved.fell_back
        self.channels = channels
        self.rate_hz = choose_rate_hz(self.device, "input", rate_hz, channels)
        self.requested_rate_hz = rate_hz
        self.format = take_format or TakeFormat.for_path(self.path)
        self.ring = LiveRing(max(1, int(live_seconds * self.rate_hz)), channels)
        self._handoff = Handoff(max(1, int(handoff_seconds * self.rate_hz)), channels)
        self._latency = latency
        self._sync_interval_s = sync_interval_s
        self._stall_timeout_s = stall_timeout_s
        self.overflow_count = 0
        self.last_adc_time_s = 0.0  # PortAudio stream time of the newest block's first frame
        self._stream_finished = False
        self._stopping = False
        self._stop_requested = threading.Event()
        self._stream: sd.InputStream | None = None
        self._writer: threading.Thread | None = None
        self._take: TakeFile | None = None
        self._error: str | None = None

    # -- audio thread -------------------------------------------------------------------------
    def _callback(self, indata: npt.NDArray[np.float32], frames: int, time_info: Any,
                  status: sd.CallbackFlags) -> None:
        if status.input_overflow:
            self.overflow_count += 1
        self.last_adc_time_s = time_info.inputBufferAdcTime
        self.ring.write(indata)
        self._handoff.push(indata)

    def _finished(self) -> None:
        self._stream_finished = True

    # -- owner --------------------------------------------------------------------------------
    def start(self) -> None:
        self._take = TakeFile(self.path, self.rate_hz, self.channels, self.format)
        self._stream = sd.InputStream(
            device=self.device.index, samplerate=self.rate_hz, channels=self.channels,
            dtype="float32", latency=self._latency, callback=self._callback,
            finished_callback=self._finished,
        )
        self._writer = threading.Thread(target=self._write_loop, name="take-writer", daemon=True)
        self._writer.start()
        self._stream.start()

    @property
    def stream_time_s(self) -> float:
        """PortAudio's clock, comparable with `last_adc_time_s` (for latency figures)."""
        return float(self._stream.time) if self._stream is not None else 0.0

    def status(self) -> RecorderStatus:
        return RecorderStatus(
            recording=self._writer is not None and self._writer.is_alive(),
            frames_recorded=self.ring.frames_written,
            frames_on_disk=self._take.frames_written if self._take else 0,
            overflow_count=self.overflow_count,
            frames_dropped=self._handoff.frames_dropped,
            error=self._error,
            rate_hz=self.rate_hz,
        )

    def stop(self) -> TakeResult:
        """End the take: stop the stream at once, write what is pending, close the file."""
        self._stopping = True  # the stream's end that follows is ours, not a lost device
        if self._stream is not None:
            self._stream.abort()
            self._stream.close()
        self._stop_requested.set()
        if self._writer is not None:
            self._writer.join()
        return TakeResult(
            path=self.path, rate_hz=self.rate_hz, channels=self.channels,
            frames=self._take.frames_written if self._take else 0,
            overflow_count=self.overflow_count, frames_dropped=self._handoff.frames_dropped,
            error=self._error,
        )

    # -- writer thread ------------------------------------------------------------------------
    def _write_loop(self) -> None:
        assert self._take is not None
        take = self._take
        last_sync = last_progress = time.monotonic()
        last_frames = 0
        try:
            while True:
                stopping = self._stop_requested.is_set()
                self._drain(take)
                now = time.monotonic()
                if stopping:
                    break
                if now - last_sync >= self._sync_interval_s:
                    take.flush(sync=True)
                    last_sync = now
                if self.ring.frames_written != last_frames:
                    last_frames, last_progress = self.ring.frames_written, now
                elif self._device_lost(now - last_progress):
                    break
                self._stop_requested.wait(0.05)
        except Exception as exc:  # disk full, folder removed: keep the marker for recovery
            self._error = f"writing {self.path.name} failed: {exc}"
            take.abandon()
            if self._stream is not None:
                self._stream.abort()
            return
        take.close()

    def _device_lost(self, silent_for_s: float) -> bool:
        if self._stopping:
            return False
        if self._stream_finished:
            self._error = f"the input device {self.device.name} stopped (disconnected?)"
        elif silent_for_s > self._stall_timeout_s:
            self._error = (f"the input device {self.device.name} delivered no audio for "
                           f"{silent_for_s:.1f} s (disconnected?)")
        else:
            return False
        if self._stream is not None:
            threading.Thread(target=self._stream.abort, daemon=True).start()
        return True

    def _drain(self, take: TakeFile) -> None:
        first, second = self._handoff.peek()
        take.write(first)
        take.write(second)
        self._handoff.release(first.shape[0] + second.shape[0])
