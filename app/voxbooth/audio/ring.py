"""Preallocated ring buffers filled by the audio callback.

`LiveRing` keeps the last seconds of the take for the live view. Its storage is mirrored (every
frame is written twice, `capacity` apart), so any window up to `capacity` frames ending at the
write position is one contiguous slice: readers get views, never copies, and nobody calls np.roll.

`Handoff` carries every block from the callback to the disk writer thread. One producer, one
consumer, no lock: each side only advances its own counter, and Python int stores are atomic under
the GIL. When the writer falls behind by more than the capacity, the callback drops the block and
counts the dropped frames instead of waiting.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Block = npt.NDArray[np.float32]


def _prefaulted(shape: tuple[int, int]) -> Block:
    """Zeros whose pages are already mapped: np.zeros maps them lazily, on first write, and a
    page fault in the audio callback is a stall we can do without."""
    data = np.empty(shape, dtype=np.float32)
    data.fill(0.0)
    return data


class LiveRing:
    """Last `capacity` frames of audio (frames x channels, float32) for the live view."""

    def __init__(self, capacity_frames: int, channels: int = 1) -> None:
        if capacity_frames <= 0:
            raise ValueError("capacity_frames must be positive")
        self.capacity = capacity_frames
        self.channels = channels
        self._data: Block = _prefaulted((2 * capacity_frames, channels))
        self.frames_written = 0  # total frames ever written; the only thing the writer publishes

    def write(self, block: Block) -> None:
        """Audio thread. Copies `block` in place; nothing is allocated but slice views."""
        frames = block.shape[0]
        if frames > self.capacity:  # only the tail fits
            block = block[frames - self.capacity:]
            self.frames_written += frames - self.capacity
            frames = self.capacity
        start = self.frames_written % self.capacity
        first = min(frames, self.capacity - start)
        data = self._data
        cap = self.capacity
        data[start:start + first] = block[:first]
        data[start + cap:start + cap + first] = block[:first]
        if first < frames:
            rest = frames - first
            data[:rest] = block[first:]
            data[cap:cap + rest] = block[first:]
        self.frames_written += frames  # published last: readers never see a half-copied block

    def read_latest(self, frames: int) -> Block:
        """The most recent `frames` frames (fewer at the start of a take) as a contiguous view.

        The view is overwritten after `capacity` further frames: copy it to keep it longer.
        """
        written = self.frames_written
        frames = min(frames, written, self.capacity)
        end = written % self.capacity + self.capacity
        return self._data[end - frames:end]

    def reader(self) -> RingReader:
        """A cursor that returns only what arrived since its last read."""
        return RingReader(self)


class RingReader:
    """One consumer's position in a `LiveRing` (the level meter, the pitch tracker, a plot)."""

    def __init__(self, ring: LiveRing) -> None:
        self._ring = ring
        self.position = ring.frames_written
        self.frames_missed = 0  # frames overwritten before this reader got to them

    def read_new(self, max_frames: int | None = None) -> Block:
        """Frames written since the last call, oldest first, as a contiguous view."""
        ring = self._ring
        written = ring.frames_written
        pending = written - self.position
        if pending > ring.capacity:
            self.frames_missed += pending - ring.capacity
            self.position = written - ring.capacity
            pending = ring.capacity
        if max_frames is not None:
            pending = min(pending, max_frames)
        self.position += pending
        end = self.position % ring.capacity + ring.capacity
        return ring._data[end - pending:end]


class Handoff:
    """Lock-free single-producer single-consumer queue of frames (callback -> writer thread)."""

    def __init__(self, capacity_frames: int, channels: int = 1) -> None:
        self.capacity = capacity_frames
        self.channels = channels
        self._data: Block = _prefaulted((capacity_frames, channels))
        self.frames_pushed = 0   # advanced only by the producer
        self.frames_popped = 0   # advanced only by the consumer
        self.frames_dropped = 0  # producer side: the writer was too slow

    def push(self, block: Block) -> bool:
        """Audio thread. Copies the block in, or drops it whole (and counts it) when full."""
        frames = block.shape[0]
        if self.capacity - (self.frames_pushed - self.frames_popped) < frames:
            self.frames_dropped += frames
            return False
        start = self.frames_pushed % self.capacity
        first = min(frames, self.capacity - start)
        self._data[start:start + first] = block[:first]
        if first < frames:
            self._data[:frames - first] = block[first:]
        self.frames_pushed += frames
        return True

    def pending(self) -> int:
        return self.frames_pushed - self.frames_popped

    def peek(self) -> tuple[Block, Block]:
        """Writer thread. Everything pending as (at most) two contiguous views, oldest first."""
        pending = self.frames_pushed - self.frames_popped
        start = self.frames_popped % self.capacity
        first = min(pending, self.capacity - start)
        return self._data[start:start + first], self._data[:pending - first]

    def release(self, frames: int) -> None:
        """Writer thread. The `frames` oldest pending frames are on disk: free their space."""
        self.frames_popped += frames
