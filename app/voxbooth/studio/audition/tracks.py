"""The takes loaded for audition, loudness matched (no Qt: runs in workers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from voxbooth.audio.playback import matched_gains
from voxbooth.studio.analysis import TakeAudio
from voxbooth.studio.audition.sounds import SoundCache
from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.service.backend import StudioBackend


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
