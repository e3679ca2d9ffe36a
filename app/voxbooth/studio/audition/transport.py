"""Transport and audition controls under the waveform; each button is a window action."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from voxbooth.studio.actions import LISTEN_KEYS
from voxbooth.studio.audition.track_strip import PairPicker, TrackStrip
from voxbooth.studio.widgets.status_line import StatusLine


def _button(action: QAction, text: str, name: str) -> QToolButton:
    action.setIconText(text)  # what a button shows (the menus keep the action's full text)
    button = QToolButton()
    button.setDefaultAction(action)
    button.setObjectName(name)
    button.setToolTip(f"{action.text()} ({action.shortcut().toString()})")
    return button


class TransportBar(QWidget):
    def __init__(self, actions: dict[str, QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        rows = QVBoxLayout(self)
        rows.setContentsMargins(4, 2, 4, 2)
        layout = QHBoxLayout()
        abx_row = QHBoxLayout()
        rows.addLayout(layout)
        rows.addLayout(abx_row)
        self.play_button = _button(actions["play_stop"], "■ Stop", "playButton")
        self.play_button.setMinimumWidth(self.play_button.sizeHint().width())  # Play or Stop
        actions["play_stop"].setIconText("▶ Play")
        self.loop_button = _button(actions["loop"], "⟲ Loop", "loopButton")
        self.track_strip = TrackStrip([actions[key] for key in LISTEN_KEYS])
        self.a_button = _button(actions["audition_a"], "A", "auditionA")
        self.b_button = _button(actions["audition_b"], "B", "auditionB")
        self.x_button = _button(actions["audition_x"], "X", "auditionX")
        self.pair = PairPicker()
        self.pair_chosen = self.pair.pair_chosen
        self.abx_button = _button(actions["abx_mode"], "Blind ABX", "abxMode")
        self.says_a = _button(actions["abx_says_a"], "X is A", "abxSaysA")
        self.says_b = _button(actions["abx_says_b"], "X is B", "abxSaysB")
        self.time_label = QLabel("0:00.0 / 0:00.0")
        self.time_label.setObjectName("timeLabel")
        # as wide as the longest time it shows: the buttons beside it stay put as it counts
        self.time_label.setFixedWidth(self.time_label.fontMetrics().horizontalAdvance(
            "00:00.0 / 00:00.0") + 8)
        self.now_label = StatusLine("", min_chars=16)
        self.now_label.setObjectName("nowPlaying")
        self.score_label = StatusLine("", min_chars=24)
        self.score_label.setObjectName("abxScore")
        row: tuple[QWidget, ...] = (self.play_button, self.loop_button, self.time_label,
                                    self.track_strip)
        for widget in row:
            layout.addWidget(widget)
        layout.addWidget(self.now_label, 1)  # what is heard takes the rest of the row
        # comparing (A, B, the pair, the blind test and its score) gets its own row, so the bar
        # never widens the window
        compare: tuple[QWidget, ...] = (self.a_button, self.b_button, self.x_button, self.pair,
                                        self.abx_button, self.says_a, self.says_b,
                                        self.score_label)
        for widget in compare:
            abx_row.addWidget(widget, 1 if widget is self.score_label else 0)
        abx_row.addStretch(1)
        self.set_abx_visible(False)

    def set_abx_visible(self, on: bool) -> None:
        for widget in (self.x_button, self.says_a, self.says_b, self.score_label):
            widget.setVisible(on)

    def set_playing(self, playing: bool) -> None:
        self.play_button.defaultAction().setIconText("■ Stop" if playing else "▶ Play")

    def set_time(self, position_s: float, duration_s: float) -> None:
        self.time_label.setText(f"{_clock(position_s)} / {_clock(duration_s)}")

    def set_tracks(self, labels: list[str]) -> None:
        self.track_strip.set_tracks(labels)
        self.pair.set_tracks(labels)

    def show_heard(self, index: int, text: str) -> None:
        """Lights the take heard (none for the blind X) and names it."""
        self.track_strip.show_heard(index)
        self.set_now_playing(text)

    def show_pair(self, a: int, b: int) -> None:
        self.pair.set_pair(a, b)

    def set_now_playing(self, label: str) -> None:
        self.now_label.setText(f"Listening to {label}" if label else "")


def _clock(seconds: float) -> str:
    minutes, secs = divmod(max(0.0, seconds), 60.0)
    return f"{int(minutes)}:{secs:04.1f}"
