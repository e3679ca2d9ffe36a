"""The selected take's picture and sound: fetches audio, analyses it, and feeds the A/B/X player.

A is always the original; B is the selected conversion (or the original's first finished one).
Both are loudness matched and resampled to the player's rate in a worker, so switching is a
change of array at the same position.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from voxbooth.audio.playback import Player, matched_gains, resample
from voxbooth.studio.abx import AbxSession
from voxbooth.studio.analysis import TakeAudio, analyse_take
from voxbooth.studio.backend import StudioBackend
from voxbooth.studio.controllers.requests import Requests
from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.errors import user_message


@dataclass(frozen=True)
class AuditionTracks:
    labels: list[str]
    samples: list[np.ndarray]  # at the player's rate
    gains: list[float]
    shown: TakeAudio  # what the waveform view draws
    shown_index: int  # which track that is


def fetch_audio(backend: StudioBackend, take: TakeInfo, cache_dir: Path) -> TakeAudio:
    """Worker thread: downloads the take once per session and analyses it."""
    path = cache_dir / f"{take.id}.wav"
    if not path.exists():
        partial = cache_dir / f"{take.id}.part"
        backend.download_audio(take.id, partial)
        partial.replace(path)
    return analyse_take(path)


def load_tracks(backend: StudioBackend, takes: list[TakeInfo], labels: list[str],
                shown_index: int, cache_dir: Path, rate_hz: int) -> AuditionTracks:
    """Worker thread: A (and B) fetched, analysed, resampled and loudness matched."""
    audio = [fetch_audio(backend, t, cache_dir) for t in takes]
    samples = [resample(a.samples, a.rate_hz, rate_hz) for a in audio]
    return AuditionTracks(labels, samples, matched_gains([a.loudness_db for a in audio]),
                          audio[shown_index], shown_index)


class AuditionController(QObject):
    loaded = Signal(object)  # AuditionTracks
    track_changed = Signal(int, str)  # index, label shown to the user ("X" in ABX mode)
    abx_score = Signal(str)
    message = Signal(str)

    def __init__(self, requests: Requests, player: Player, cache_dir: Path,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.requests = requests
        self.player = player
        self.cache_dir = cache_dir
        self.tracks: AuditionTracks | None = None
        self.abx: AbxSession | None = None
        self._generation = 0

    def show(self, take: TakeInfo | None, conversions_of: Callable[[str], list[TakeInfo]],
             original_of: Callable[[str], TakeInfo | None]) -> None:
        """Loads the take's audio (and its audition partner) in a worker."""
        self._generation += 1
        if take is None or take.state != "done":
            return
        if take.is_conversion:
            original = original_of(take.original_id or "")
            pair = [original, take] if original is not None else [take]
            shown = 1 if original is not None else 0
        else:
            done = [c for c in conversions_of(take.id) if c.state == "done"]
            pair, shown = [take, *done[:1]], 0
        labels = ["A: original"] + [f"B: {t.voice_name or t.label}" for t in pair[1:]]
        self._load(pair, labels, shown)

    def compare(self, first: TakeInfo, second: TakeInfo) -> None:
        """A/B between any two finished takes (two readings of a line, two conversions)."""
        self._generation += 1
        if first.state == "done" and second.state == "done":
            self._load([first, second], [f"A: {first.label}", f"B: {second.label}"], 0)

    def _load(self, takes: list[TakeInfo], labels: list[str], shown: int) -> None:
        backend = self.requests.backend
        if backend is None:
            return
        generation = self._generation
        self.requests.run(load_tracks, backend, takes, labels, shown, self.cache_dir,
                          self.player.rate_hz,
                          on_result=lambda tracks: self._on_loaded(generation, tracks))

    def _on_loaded(self, generation: int, tracks: AuditionTracks) -> None:
        if generation != self._generation:
            return
        position = self.player.position_s
        was_playing = self.player.playing
        self.player.load(tracks.samples, tracks.gains)
        self.tracks = tracks
        self.player.select(tracks.shown_index)
        self.player.seek(position if was_playing else 0.0)
        self.loaded.emit(tracks)
        self.track_changed.emit(tracks.shown_index, tracks.labels[tracks.shown_index])

    # -- transport ------------------------------------------------------------------------------
    def play_stop(self) -> None:
        try:
            self.player.toggle()
        except Exception as exc:  # no output device here: say so, keep the window going
            self.message.emit(f"Cannot play: {user_message(exc)}")

    def select(self, index: int) -> None:
        """A (0) or B (1), switched at the same position without a gap."""
        if self.tracks is None or index >= len(self.tracks.labels):
            self.message.emit("Nothing to compare yet: this take has no finished conversion")
            return
        self.player.select(index)
        label = self.tracks.labels[index]
        self.track_changed.emit(index, label if self.abx is None else label[0])

    def select_x(self) -> None:
        if self.abx is None or self.tracks is None or len(self.tracks.labels) < 2:
            self.message.emit("Turn on the blind ABX test with two takes loaded first")
            return
        self.player.select(self.abx.x_track())
        self.track_changed.emit(self.abx.x_track(), "X")

    def set_abx_mode(self, on: bool) -> None:
        self.abx = AbxSession() if on else None
        self.abx_score.emit(self.abx.summary() if self.abx else "")

    def answer_abx(self, says_b: bool) -> None:
        if self.abx is None:
            return
        right = self.abx.answer(says_b)
        self.message.emit("Right" if right else "Wrong")
        self.abx_score.emit(self.abx.summary())
