"""Which takes are auditioned together, and their sound fetched once (no Qt: runs in workers).

Picking any take of an original auditions the whole family: the original and every finished
conversion of it, numbered in the order they were made, so a number key means the same take for
as long as the family is loaded. Each take's download (on disk), analysis and samples at the
player's rate (in memory, within a budget) are kept, so coming back to a take costs nothing.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voxbooth.audio.playback import matched_gains, resample
from voxbooth.studio.analysis import TakeAudio, analyse_take
from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.service.backend import StudioBackend

MAX_TRACKS = 9  # one number key each
CACHE_BUDGET_BYTES = 768 * 1024 * 1024  # a few minutes-long families at 48 kHz


def family_of(take: TakeInfo, conversions_of: Callable[[str], list[TakeInfo]],
              original_of: Callable[[str], TakeInfo | None]) -> list[TakeInfo]:
    """The takes to audition when `take` is picked: its original first, then every finished
    conversion, oldest first (at most nine; the picked one always among them). Empty while
    there is nothing to hear yet."""
    original = original_of(take.original_id or "") if take.is_conversion else take
    if original is None or original.state != "done":
        # a conversion listed without its original (filtered out): it alone
        return [take] if take.is_conversion and take.state == "done" else []
    done = sorted((c for c in conversions_of(original.id) if c.state == "done"),
                  key=lambda c: (c.created_at.timestamp() if c.created_at else 0.0, c.id))
    if len(done) > MAX_TRACKS - 1:
        picked = [c.id for c in done if c.id == take.id]
        others = [c.id for c in done if c.id != take.id]
        kept = set(picked + others[:MAX_TRACKS - 1 - len(picked)])  # the picked, the oldest
        done = [c for c in done if c.id in kept]
    return [original, *done]


def track_label(take: TakeInfo, in_family: bool) -> str:
    """What a track is called on its button: in a family the original is "Original" and a
    conversion its voice; two takes compared keep their own labels."""
    if not in_family:
        return take.label
    return (take.voice_name or take.label) if take.is_conversion else "Original"


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


@dataclass(frozen=True)
class AuditionTracks:
    """Takes loaded for audition, in player order (track 0 is the original of a family)."""

    take_ids: list[str]
    labels: list[str]
    samples: list[np.ndarray]  # mono, at the player's rate
    gains: list[float]  # linear: each brought down to the quietest take's loudness
    audio: list[TakeAudio]  # what the waveform draws for each

    def index_of(self, take_id: str) -> int:
        return self.take_ids.index(take_id) if take_id in self.take_ids else 0

    @property
    def length_frames(self) -> int:
        return max((len(s) for s in self.samples), default=0)


def load_tracks(backend: StudioBackend, takes: Sequence[TakeInfo], labels: Sequence[str],
                cache: SoundCache, rate_hz: int) -> AuditionTracks:
    """Worker thread: every take fetched (or found in the cache) and loudness matched."""
    sounds = [cache.sound(backend, t.id, rate_hz) for t in takes]
    return AuditionTracks([t.id for t in takes], list(labels), [s.samples for s in sounds],
                          matched_gains([s.audio.loudness_db for s in sounds]),
                          [s.audio for s in sounds])
