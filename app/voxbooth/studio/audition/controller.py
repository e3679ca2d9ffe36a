"""The audition: the picked take's family in the player, switched among at the same position.

Picking a take loads its original and every finished conversion (fetched, analysed, resampled and
loudness matched in a worker: `tracks`). Picking another take of the same family, or its
number key, is then only a switch of the player's source: no download, no gap. A and B are the
pair compared (the original and the conversion heard last, unless the artist picks two); the
blind ABX test plays one of them as X and keeps score.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from voxbooth.audio.playback import Player
from voxbooth.studio.analysis import TakeAudio
from voxbooth.studio.audition.abx import AbxSession
from voxbooth.studio.audition.family import family_of, track_label
from voxbooth.studio.audition.sounds import SoundCache
from voxbooth.studio.audition.tracks import AuditionTracks, load_tracks
from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.service.errors import user_message
from voxbooth.studio.service.requests import Requests

if TYPE_CHECKING:
    from voxbooth.studio.models.takes import TakesModel
    from voxbooth.studio.widgets.views import TakesView


class AuditionController(QObject):
    """GUI thread throughout; the loading runs in a worker and comes back by signal."""

    loaded = Signal(object)  # AuditionTracks now in the player
    heard = Signal(int, str)  # the track heard (-1 while X keeps it secret), what the user reads
    pair_changed = Signal(int, int)  # the tracks A and B are
    drawn = Signal(object)  # TakeAudio of the track heard: what the waveform shows
    compared = Signal(object)  # the original's TakeAudio under a conversion heard, else None
    started_over = Signal()  # another take's tracks loaded: playhead, loop and ABX start anew
    abx_score = Signal(str)
    message = Signal(str)

    def __init__(self, requests: Requests, player: Player, cache: SoundCache,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.requests = requests
        self.player = player
        self.cache = cache
        self.tracks: AuditionTracks | None = None
        self.a = self.b = 0
        self.abx: AbxSession | None = None
        self._takes: TakesModel | None = None
        self._family = ""  # the loaded family's original; empty for two takes compared
        self._generation = 0  # a load is applied only if nothing was picked since it started
        self._loading: list[str] | None = None
        self._want_id = ""  # the take to hear: picked in the list or by its key
        self._drawn_id = ""

    # -- what is auditioned ---------------------------------------------------------------------
    def follow(self, view: TakesView, takes: TakesModel) -> None:
        """Auditions what `view` selects: the current take with its family, or two takes
        selected together one against the other."""
        self._takes = takes
        selection = view.selectionModel()
        # the current row and the selection change in either order: the last word decides
        selection.currentRowChanged.connect(lambda _c, _p: self._follow_view(view))
        selection.selectionChanged.connect(lambda _s, _d: self._follow_view(view))

    def _follow_view(self, view: TakesView) -> None:
        if self._takes is None:
            return
        picked = [self._takes.take(i) for i in view.selected_ids()]
        if len(picked) == 2 and picked[0] is not None and picked[1] is not None:
            self.compare(picked[0], picked[1])
            return
        current = view.current_id()
        take = self._takes.take(current) if current else None
        if take is not None:
            self.show(take)

    def show(self, take: TakeInfo) -> None:
        """Auditions `take` with its original and the original's finished conversions."""
        if self._takes is None:
            return
        family = family_of(take, self._takes.conversions_of, self._takes.take)
        if family:
            self._request(family, [track_label(t, in_family=True) for t in family], take.id,
                          family[0].id if not family[0].is_conversion else "")

    def compare(self, first: TakeInfo, second: TakeInfo) -> None:
        """A/B between any two finished takes (two readings of a line, two voices)."""
        tracks = self.tracks
        if tracks is not None and {first.id, second.id} <= set(tracks.take_ids):
            # both in the family loaded: they become the pair, nothing is loaded again
            self.set_pair(tracks.take_ids.index(first.id), tracks.take_ids.index(second.id))
        elif first.state == "done" and second.state == "done":
            self._request([first, second], [track_label(first, in_family=False),
                                            track_label(second, in_family=False)], first.id, "")

    def refresh(self, finished: TakeInfo) -> None:
        """A conversion just finished: it joins its family if that family is loaded."""
        if self._takes is None or not self._family or finished.original_id != self._family:
            return
        if self.player.playing and not self._in_player():
            return  # the desk is playing on the player: the next pick brings it in instead
        heard = self._takes.take(self._want_id) or self._takes.take(self._family)
        if heard is not None:
            self.show(heard)

    def _request(self, takes: list[TakeInfo], labels: list[str], want_id: str,
                 family: str) -> None:
        ids = [t.id for t in takes]
        self._want_id = want_id
        if self.tracks is not None and self.tracks.take_ids == ids:
            self._generation += 1  # whatever else was loading is no longer wanted
            self._loading = None
            index = self.tracks.index_of(want_id)
            self._draw(index)
            self.listen(index)
            return
        backend = self.requests.backend
        if self._loading == ids or backend is None:
            return  # on its way (it will play `want_id`), or no service to ask yet
        self._generation += 1
        generation, self._loading = self._generation, ids
        self.requests.run(load_tracks, backend, takes, labels, self.cache, self.player.rate_hz,
                          on_result=lambda tracks: self._on_loaded(generation, tracks, family),
                          on_error=lambda _exc: self._on_failed(generation))

    def _on_failed(self, generation: int) -> None:
        if generation == self._generation:
            self._loading = None  # picking the take again tries again

    def _on_loaded(self, generation: int, tracks: AuditionTracks, family: str) -> None:
        if generation != self._generation:
            return
        self._loading = None
        # the same family grown by a finished conversion carries on where it was
        same = bool(family) and family == self._family and self.tracks is not None
        pair = self._pair_ids()
        position, was_playing = self.player.position_s, self.player.playing
        self.tracks, self._family = tracks, family
        if not same:
            self._drawn_id = ""  # drawn anew, its comparison with it
        self._put_in_player()
        want = tracks.index_of(self._want_id)
        if same and all(i in tracks.take_ids for i in pair):
            self.a, self.b = (tracks.take_ids.index(i) for i in pair)
        else:
            self.a, self.b = 0, want if want else min(1, len(tracks.labels) - 1)
            if self.abx is not None:
                self.set_abx_mode(True)  # a new pair: a new test
        self.player.seek(position if same else 0.0)
        if not same:
            self.started_over.emit()
        self.loaded.emit(tracks)
        self.pair_changed.emit(self.a, self.b)
        self.listen(want)
        if same and was_playing:
            self._resume()

    def _pair_ids(self) -> tuple[str, str]:
        if self.tracks is None:
            return "", ""
        return self.tracks.take_ids[self.a], self.tracks.take_ids[self.b]

    def drawn_take(self) -> tuple[str, TakeAudio] | None:
        """The take the waveform shows (what an edit of the selection applies to)."""
        if self.tracks is None or self._drawn_id not in self.tracks.take_ids:
            return None
        return self._drawn_id, self.tracks.audio[self.tracks.take_ids.index(self._drawn_id)]

    def _draw(self, index: int) -> None:
        assert self.tracks is not None
        if self.tracks.take_ids[index] != self._drawn_id:
            self._drawn_id = self.tracks.take_ids[index]
            self.drawn.emit(self.tracks.audio[index])
            # a family's conversion is drawn over its original's pitch
            self.compared.emit(self.tracks.audio[0] if self._family and index else None)

    # -- the player -----------------------------------------------------------------------------
    def _put_in_player(self) -> None:
        assert self.tracks is not None
        self.player.load(self.tracks.samples, gains=self.tracks.gains)

    def _in_player(self) -> bool:
        """The recording desk plays its pre-roll and samples on the same player: false once
        it did since this audition was loaded."""
        tracks, player = self.tracks, self.player
        return (tracks is not None and player.track_count == len(tracks.samples)
                and player.gains == tracks.gains
                and round(player.duration_s * player.rate_hz) == tracks.length_frames)

    def _switch(self, index: int) -> None:
        """Source `index` from the next block on, at the same position."""
        if not self._in_player():
            self._put_in_player()  # back in, from the start
        self.player.select(index)

    def _resume(self) -> None:
        try:
            self.player.resume()
        except Exception as exc:  # no output device here: say so, keep the window going
            self.message.emit(f"Cannot play: {user_message(exc)}")

    def play_stop(self) -> None:
        if self.player.playing:
            self.player.stop()
            return
        if self.tracks is not None:
            heard = self.player.current if self._in_player() else \
                self.tracks.index_of(self._want_id)
            self._switch(heard)
        self._resume()

    # -- listening ------------------------------------------------------------------------------
    def _name(self, index: int) -> str:
        assert self.tracks is not None
        return f"{index + 1}: {self.tracks.labels[index]}"

    def listen(self, index: int) -> None:
        """Track `index` (0 is the original) from where the playhead is, without a gap."""
        tracks = self.tracks
        if tracks is None or not 0 <= index < len(tracks.labels):
            return
        self._switch(index)
        self._want_id = tracks.take_ids[index]
        self._draw(index)
        if self.abx is None and index not in (self.a, self.b):
            self.b = index  # A/B compares the original with the conversion heard last
            self.pair_changed.emit(self.a, self.b)
        self.heard.emit(index, self._name(index))

    def listen_a(self) -> None:
        self._listen_as("A", self.a)

    def listen_b(self) -> None:
        self._listen_as("B", self.b)

    def _listen_as(self, role: str, index: int) -> None:
        if self.tracks is None:
            self.message.emit("Pick a take to listen to first")
        elif self.a == self.b:
            self.message.emit("Nothing to compare yet: this take has no finished conversion")
        else:
            self._switch(index)
            self._want_id = self.tracks.take_ids[index]
            self._draw(index)
            self.heard.emit(index, f"{role} ({self._name(index)})")

    def listen_x(self) -> None:
        if self.abx is None or self.tracks is None or self.a == self.b:
            self.message.emit("Turn on the blind ABX test with two takes loaded first")
            return
        self._switch(self.b if self.abx.x_is_b else self.a)
        self.heard.emit(-1, "X")  # no track lit: which one X is stays secret

    # -- blind ABX ------------------------------------------------------------------------------
    def set_pair(self, a: int, b: int) -> None:
        """The two tracks compared as A and B (and hidden behind X); a new pair restarts the
        ABX score."""
        tracks = self.tracks
        if tracks is None or (a, b) == (self.a, self.b):
            return
        if a == b or not (0 <= a < len(tracks.labels) and 0 <= b < len(tracks.labels)):
            self.message.emit("A and B are two different takes: pick another one")
            self.pair_changed.emit(self.a, self.b)  # the picker goes back to the pair as it is
            return
        self.a, self.b = a, b
        self.pair_changed.emit(a, b)
        if self.abx is not None:
            self.set_abx_mode(True)

    def set_abx_mode(self, on: bool) -> None:
        self.abx = AbxSession() if on else None
        self.abx_score.emit(self.abx.summary() if self.abx else "")

    def answer_abx(self, says_b: bool) -> None:
        if self.abx is None:
            return
        right = self.abx.answer(says_b)
        self.message.emit("Right" if right else "Wrong")
        self.abx_score.emit(self.abx.summary())
