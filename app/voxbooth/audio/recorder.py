"""Record a take from an open `InputCapture` straight to disk.

Three activities, none waits for another: the PortAudio callback (copies blocks into the ring and
the take's hand-off), the writer thread here (drains the hand-off into the take file, syncs it to
disk every second, watches the device), and the owner (the studio's timer or the CLI), which polls
`status()` and reads the capture's ring for the live view.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from voxbooth.audio.capture import InputCapture
from voxbooth.audio.ring import Handoff
from voxbooth.audio.take_file import TakeFile, TakeFormat

# How long a block already in the callback may take to land after disarming (GIL switches).
_IN_FLIGHT_S = 0.05


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


class TakeRecorder:
    """One take on an open capture: `start()`, poll `status()`, `stop()`; not from the callback.

    `preroll_s` of audio from before Record (kept in the ring) opens the take, for punch-in.
    Overflows are counted from `start()`.
    """

    def __init__(self, capture: InputCapture, path: Path, *, take_format: TakeFormat | None = None,
                 preroll_s: float = 0.0, handoff_seconds: float = 10.0,
                 sync_interval_s: float = 1.0) -> None:
        self.capture = capture
        self.path = Path(path)
        self.format = take_format or TakeFormat.for_path(self.path)
        self.rate_hz = capture.rate_hz
        self.channels = capture.channels
        self._preroll_frames = int(preroll_s * capture.rate_hz)
        self._preroll_done = False
        self._handoff = Handoff(max(1, int(handoff_seconds * capture.rate_hz)), capture.channels)
        self._sync_interval_s = sync_interval_s
        self._overflows_before = 0
        self._stop_requested = threading.Event()
        self._writer: threading.Thread | None = None
        self._take: TakeFile | None = None
        self._error: str | None = None

    def start(self) -> TakeRecorder:
        # Opening the file (and its recovery marker) happens before the first block is armed.
        self._take = TakeFile(self.path, self.rate_hz, self.channels, self.format)
        self._overflows_before = self.capture.overflow_count
        self._writer = threading.Thread(target=self._write_loop, name="take-writer", daemon=True)
        self.capture.arm_take(self._handoff)
        self._writer.start()
        return self

    def status(self) -> RecorderStatus:
        frames = self._handoff.frames_pushed + self._preroll_written()
        return RecorderStatus(
            recording=self._writer is not None and self._writer.is_alive(),
            frames_recorded=frames,
            frames_on_disk=self._take.frames_written if self._take else 0,
            overflow_count=self.capture.overflow_count - self._overflows_before,
            frames_dropped=self._handoff.frames_dropped,
            error=self._error,
            rate_hz=self.rate_hz,
        )

    def stop(self) -> TakeResult:
        """End the take on the current block, write what is pending, close the file."""
        self.capture.disarm_take()
        self._stop_requested.set()
        if self._writer is not None:
            self._writer.join()
        return TakeResult(
            path=self.path, rate_hz=self.rate_hz, channels=self.channels,
            frames=self._take.frames_written if self._take else 0,
            overflow_count=self.capture.overflow_count - self._overflows_before,
            frames_dropped=self._handoff.frames_dropped, error=self._error,
        )

    # -- writer thread ------------------------------------------------------------------------
    def _preroll_written(self) -> int:
        return self._preroll_frames if self._preroll_done else 0

    def _write_pending(self, take: TakeFile) -> None:
        """Pre-roll first, once the first block says where the take begins; then the blocks."""
        if not self._preroll_done:
            if self.capture.take_first_frame < 0:
                return  # no block yet, so nothing to write
            self._write_preroll(take)
        self._drain(take)

    def _write_preroll(self, take: TakeFile) -> None:
        first = self.capture.take_first_frame
        # The ring holds up to `capacity` frames before the newest: take the ones before `first`.
        ring = self.capture.ring
        newest = ring.frames_written
        frames = min(self._preroll_frames, first, ring.capacity - (newest - first))
        if frames > 0:
            window = ring.read_latest(newest - first + frames)
            take.write(window[:frames].copy())
        self._preroll_frames = max(frames, 0)
        self._preroll_done = True

    def _write_loop(self) -> None:
        assert self._take is not None
        take = self._take
        last_sync = time.monotonic()
        try:
            while not self._stop_requested.wait(0.05):
                self._write_pending(take)
                if time.monotonic() - last_sync >= self._sync_interval_s:
                    take.flush(sync=True)
                    last_sync = time.monotonic()
                lost = self.capture.health()
                if lost:
                    self._error = lost
                    self.capture.disarm_take()
                    break
            time.sleep(_IN_FLIGHT_S)
            self._write_pending(take)
        except Exception as exc:  # disk full, folder removed: keep the marker for recovery
            self.capture.disarm_take()
            self._error = f"writing {self.path.name} failed: {exc}"
            take.abandon()
            return
        take.close()

    def _drain(self, take: TakeFile) -> None:
        first, second = self._handoff.peek()
        take.write(first)
        take.write(second)
        self._handoff.release(first.shape[0] + second.shape[0])


class Recorder:
    """A take from a device of its own (the headless `voxbooth record`): capture plus take."""

    def __init__(self, path: Path, *, device: str | None = None, rate_hz: int | None = 48000,
                 channels: int = 1, take_format: TakeFormat | None = None) -> None:
        self.capture = InputCapture(device, rate_hz, channels, live_seconds=5.0)
        self.take = TakeRecorder(self.capture, path, take_format=take_format)

    def start(self) -> Recorder:
        self.take.start()  # armed before the stream runs: the take holds its very first block
        self.capture.start()
        return self

    def status(self) -> RecorderStatus:
        return self.take.status()

    def stop(self) -> TakeResult:
        result = self.take.stop()
        self.capture.close()
        return result
