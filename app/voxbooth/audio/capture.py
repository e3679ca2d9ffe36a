"""The open microphone: one input stream feeding the live ring, and the current take when armed.

The stream runs for as long as the recording desk shows (the level meter and pitch trace need it
before anyone presses Record), so a take starts on the next block, with pre-roll from the ring.

The PortAudio callback is real-time code: it copies the block into the ring (and, during a take,
into the take's hand-off), counts overflows, and returns. No logging, locks, I/O or allocation.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from voxbooth.audio.devices import (
    AudioDevice,
    DeviceRef,
    choose_rate_hz,
    portaudio,
    resolve_device,
)
from voxbooth.audio.ring import Handoff, LiveRing

if TYPE_CHECKING:
    import sounddevice as sd


class InputCapture:
    """An input device, open. Owner thread: `start`, `health`, `close`; readers use `ring`.

    `rate_hz` is the rate in use (the device may refuse the one asked for); `device_fell_back`
    says the remembered device is gone and the system default is used instead.
    """

    def __init__(self, device: DeviceRef | str | None = None, rate_hz: int | None = 48000,
                 channels: int = 1, live_seconds: float = 30.0,
                 latency: float | str = "high", stall_timeout_s: float = 5.0) -> None:
        resolved = resolve_device(device, "input")
        self.device: AudioDevice = resolved.device
        self.device_fell_back = resolved.fell_back
        self.requested_rate_hz = rate_hz
        self.channels = channels
        self.rate_hz = choose_rate_hz(self.device, "input", rate_hz, channels)
        self.ring = LiveRing(max(1, int(live_seconds * self.rate_hz)), channels)
        self.overflow_count = 0
        self.last_adc_time_s = 0.0  # stream time of the newest block's first frame
        self._latency = latency
        self._stall_timeout_s = stall_timeout_s
        self._stream: sd.InputStream | None = None
        self._stream_finished = False
        self._closing = False
        # Take hand-off, swapped in by the owner before arming; the callback only pushes.
        self._take_handoff: Handoff | None = None
        self._take_armed = False
        self.take_first_frame = -1  # ring frame index of the take's first sample
        self._progress_frames = 0
        self._progress_at_s = time.monotonic()

    # -- audio thread -------------------------------------------------------------------------
    def _callback(self, indata: npt.NDArray[np.float32], frames: int, time_info: Any,
                  status: sd.CallbackFlags) -> None:
        if status.input_overflow:
            self.overflow_count += 1
        self.last_adc_time_s = time_info.inputBufferAdcTime
        if self._take_armed and self._take_handoff is not None:
            if self.take_first_frame < 0:
                self.take_first_frame = self.ring.frames_written
            self._take_handoff.push(indata)
        self.ring.write(indata)

    def _finished(self) -> None:
        self._stream_finished = True

    # -- owner --------------------------------------------------------------------------------
    def start(self) -> InputCapture:
        self._stream = portaudio().InputStream(
            device=self.device.index, samplerate=self.rate_hz, channels=self.channels,
            dtype="float32", latency=self._latency, callback=self._callback,
            finished_callback=self._finished,
        )
        self._progress_at_s = time.monotonic()
        self._stream.start()
        return self

    @property
    def stream_time_s(self) -> float:
        """PortAudio's clock, comparable with `last_adc_time_s` (for latency figures)."""
        return float(self._stream.time) if self._stream is not None else 0.0

    @property
    def latency_s(self) -> float:
        return float(self._stream.latency) if self._stream is not None else 0.0

    def health(self) -> str | None:
        """None while audio flows; else why the device is lost. Poll it from one thread only
        (a running take's writer thread polls it; the desk polls it between takes)."""
        if self._closing:
            return None
        if self._stream_finished:
            return f"the input device {self.device.name} stopped (disconnected?)"
        now = time.monotonic()
        if self.ring.frames_written != self._progress_frames:
            self._progress_frames, self._progress_at_s = self.ring.frames_written, now
            return None
        silent_s = now - self._progress_at_s
        if silent_s > self._stall_timeout_s:
            return (f"the input device {self.device.name} delivered no audio for "
                    f"{silent_s:.1f} s (disconnected?)")
        return None

    def arm_take(self, handoff: Handoff) -> None:
        """From the next block on, every block also goes to `handoff`."""
        self.take_first_frame = -1
        self._take_handoff = handoff
        self._take_armed = True

    def disarm_take(self) -> None:
        self._take_armed = False

    def close(self) -> None:
        """Stop at once (abort: a starved source can make a graceful stop hang)."""
        self._closing = True
        self._take_armed = False
        if self._stream is not None:
            self._stream.abort()
            self._stream.close()
            self._stream = None

    def __enter__(self) -> InputCapture:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
