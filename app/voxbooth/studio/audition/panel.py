"""The bottom panel: the picked take's waveform over the transport, wired to the audition.

The display pulls the playhead from the player on a timer; the audio callback never signals
(STYLE.md habit 2).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QVBoxLayout, QWidget

from voxbooth.audio.playback import Player
from voxbooth.studio.actions import LISTEN_KEYS
from voxbooth.studio.audition.tracks import AuditionTracks
from voxbooth.studio.audition.transport import TransportBar
from voxbooth.studio.widgets.waveform import WaveformView

if TYPE_CHECKING:
    from voxbooth.studio.audition.controller import AuditionController

PLAYHEAD_INTERVAL_MS = 33
WAVEFORM_MIN_HEIGHT = 140


class PlaybackPanel(QWidget):
    def __init__(self, actions: dict[str, QAction], player: Player, dark: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actions_by_key = actions
        self.player = player
        self.audition: AuditionController | None = None
        self.waveform = WaveformView(dark)
        # readable waveform and f0 whatever else is docked, in a 700 px high window
        self.waveform.setMinimumHeight(WAVEFORM_MIN_HEIGHT)
        self.transport = TransportBar(actions)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.waveform, 1)
        layout.addWidget(self.transport)
        self.playhead_timer = QTimer(self)
        self.playhead_timer.setInterval(PLAYHEAD_INTERVAL_MS)
        self.playhead_timer.timeout.connect(self._pull_playhead)

    def attach(self, audition: AuditionController) -> None:
        """Playback, audition and zoom actions, the waveform and the transport, to `audition`."""
        self.audition = audition
        a, wave = self.actions_by_key, self.waveform
        slots = {
            "play_stop": self.play_stop, "audition_a": audition.listen_a,
            "audition_b": audition.listen_b, "audition_x": audition.listen_x,
            "abx_says_a": partial(audition.answer_abx, False),
            "abx_says_b": partial(audition.answer_abx, True),
            "zoom_in": partial(wave.zoom, 0.5), "zoom_out": partial(wave.zoom, 2.0),
            "zoom_fit": wave.zoom_fit, "go_start": partial(self.go_to, 0.0),
            "go_end": lambda: self.go_to(self.player.duration_s),
            **{key: partial(audition.listen, i) for i, key in enumerate(LISTEN_KEYS)},
        }
        for key, slot in slots.items():
            a[key].triggered.connect(lambda _checked=False, s=slot: s())
        a["loop"].toggled.connect(self._on_loop_toggled)
        a["abx_mode"].toggled.connect(self._on_abx_toggled)
        audition.loaded.connect(self._on_loaded)
        audition.drawn.connect(wave.show_audio)
        audition.compared.connect(wave.show_reference_f0)
        audition.started_over.connect(self._start_over)
        audition.heard.connect(self.transport.show_heard)
        audition.pair_changed.connect(self.transport.show_pair)
        audition.abx_score.connect(self.transport.score_label.setText)
        self.transport.pair_chosen.connect(audition.set_pair)
        wave.seek_requested.connect(self.player.seek)
        wave.playhead_moved.connect(
            lambda seconds: self.transport.set_time(seconds, self.player.duration_s))
        wave.loop_changed.connect(self._apply_loop)

    def _start_over(self) -> None:
        """Another take is auditioned: its playhead at the start, no loop region of the last."""
        self.actions_by_key["loop"].setChecked(False)
        self.waveform.clear_selection()
        self.waveform.set_playhead(0.0)

    def _on_loaded(self, tracks: AuditionTracks) -> None:
        abx = self.actions_by_key["abx_mode"]
        comparable = len(tracks.labels) > 1
        if abx.isChecked() and not comparable:
            abx.setChecked(False)  # nothing to compare: no blind test
        abx.setEnabled(comparable)
        self.transport.set_tracks(tracks.labels)
        self.transport.set_time(self.player.position_s, self.player.duration_s)
        region = self.waveform.loop_region_s()
        if region is not None:  # loading forgets the loop; the region shown still holds
            self._apply_loop(*region)

    def go_to(self, seconds: float) -> None:
        """Home/End: the playhead to the take's start or end, playing or not."""
        self.player.seek(seconds)
        self.waveform.set_playhead(seconds)
        self.transport.set_time(seconds, self.player.duration_s)

    def play_stop(self) -> None:
        if self.audition is not None:
            self.audition.play_stop()
        playing = self.player.playing
        self.transport.set_playing(playing)
        if playing:
            self.playhead_timer.start()

    def _pull_playhead(self) -> None:
        player = self.player
        self.waveform.set_playhead(player.position_s)
        self.transport.set_time(player.position_s, player.duration_s)
        if not player.playing:
            player.stop()
            self.playhead_timer.stop()
            self.transport.set_playing(False)

    def _on_loop_toggled(self, on: bool) -> None:
        self.waveform.set_loop_visible(on)
        if not on:
            self.player.set_loop(None, None)

    def _apply_loop(self, start_s: float, end_s: float) -> None:
        if self.actions_by_key["loop"].isChecked():
            self.player.set_loop(start_s, end_s)

    def _on_abx_toggled(self, on: bool) -> None:
        self.transport.set_abx_visible(on)
        if self.audition is not None:
            self.audition.set_abx_mode(on)

    def stop(self) -> None:
        """The window closes: no more pulling, no more sound."""
        self.playhead_timer.stop()
        self.player.stop()
