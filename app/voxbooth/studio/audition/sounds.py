"""Each take's sound fetched once (no Qt: runs in workers).

A take's download (on disk), analysis and samples at the player's rate (in memory, within a
budget) are kept, so coming back to a take costs nothing.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voxbooth.audio.playback import resample
from voxbooth.studio.analysis import TakeAudio, analyse_take
from voxbooth.studio.service.backend import StudioBackend

CACHE_BUDGET_BYTES = 768 * 1024 * 1024  # a few minutes-long families at 48 kHz


@dataclass(frozen=True)
class TakeSound:
    audio: TakeAudio  # as the take was downloaded: what the waveform draws
    samples: np.ndarray  # mono, at the player's rate

    @property
    def nbytes(self) -> int:
        a = self.audio
        return int(a.samples.nbytes + a.peak_values.nbytes + a.peak_times_s.nbytes
                   + a.f0_hz.nbytes + a.f0_times_s.nbytes + self.samples.nbytes)


class SoundCache:
    """Any thread: each take's sound, fetched and analysed once, the least recently used
    forgotten beyond the budget (the download stays on disk for the session)."""

    def __init__(self, cache_dir: Path, budget_bytes: int = CACHE_BUDGET_BYTES) -> None:
        self.cache_dir = cache_dir
        self.budget_bytes = budget_bytes
        self._lock = threading.Lock()
        self._sounds: OrderedDict[tuple[str, int], TakeSound] = OrderedDict()

    def sound(self, backend: StudioBackend, take_id: str, rate_hz: int) -> TakeSound:
        """Worker thread: blocks on the network and the disk the first time."""
        key = (take_id, rate_hz)
        with self._lock:
            found = self._sounds.get(key)
            if found is not None:
                self._sounds.move_to_end(key)
                return found
        audio = analyse_take(self._download(backend, take_id))
        sound = TakeSound(audio, resample(audio.samples, audio.rate_hz, rate_hz))
        with self._lock:
            self._sounds[key] = sound
            total = sum(s.nbytes for s in self._sounds.values())
            while total > self.budget_bytes and len(self._sounds) > 1:
                _key, oldest = self._sounds.popitem(last=False)
                total -= oldest.nbytes
        return sound

    def _download(self, backend: StudioBackend, take_id: str) -> Path:
        path = self.cache_dir / f"{take_id}.wav"
        if path.exists():
            return path
        # a name of its own: two workers fetching the same take never write into one file
        partial = self.cache_dir / f"{take_id}.{uuid.uuid4().hex}.part"
        try:
            backend.download_audio(take_id, partial)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        return path
