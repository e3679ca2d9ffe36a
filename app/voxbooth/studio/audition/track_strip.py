"""What the audition holds, under the waveform: a button per take loaded (lit while it is heard)
and the pair compared as A and B."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from voxbooth.studio.widgets.eliding_button import ElidingToolButton

LABEL_CHARS = 18  # a long label is shortened on its button (whole in the tooltip)
PAIR_CHARS = 10  # what the A and B pickers show of a take's label


def _short(label: str) -> str:
    text = label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"
    return text.replace("&", "&&")  # a voice's "&" is not a mnemonic


class TrackStrip(QWidget):
    """One button per take loaded, each bound to its number key's action; the one heard is
    checked, none while the blind X plays."""

    def __init__(self, listen_actions: Sequence[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = QActionGroup(self)
        self.group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        self._listen_actions = list(listen_actions)
        self.buttons: list[ElidingToolButton] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for number, action in enumerate(self._listen_actions, start=1):
            self.group.addAction(action)
            button = ElidingToolButton()  # short of room, "2: Elena" becomes "2: El…"
            button.setDefaultAction(action)
            button.setObjectName(f"track{number}")
            layout.addWidget(button)
            self.buttons.append(button)
        self.set_tracks([])

    def set_tracks(self, labels: Sequence[str]) -> None:
        for number, (action, button) in enumerate(zip(self._listen_actions, self.buttons,
                                                      strict=True), start=1):
            loaded = number <= len(labels)
            if loaded:
                action.setText(f"{number}: {_short(labels[number - 1])}")
                action.setToolTip(f"Listen to {labels[number - 1]} ({number})")
            action.setVisible(loaded)  # a number with no take behind it: its key does nothing
            button.setVisible(loaded)
        self.show_heard(-1)

    def show_heard(self, index: int) -> None:
        for i, action in enumerate(self._listen_actions):
            action.setChecked(i == index)

    def heard(self) -> int:
        """The lit button's index, -1 when none is."""
        return next((i for i, a in enumerate(self._listen_actions) if a.isChecked()), -1)


class PairPicker(QWidget):
    """Which two loaded takes A and B are (X is one of them in the blind test)."""

    pair_chosen = Signal(int, int)  # track indexes of A and B

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.a_box = QComboBox()
        self.a_box.setObjectName("pairA")
        self.b_box = QComboBox()
        self.b_box.setObjectName("pairB")
        for box in (self.a_box, self.b_box):  # a long voice name never widens the bar
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(PAIR_CHARS)
        self._pair = (0, 0)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for text, box in (("A is", self.a_box), ("B is", self.b_box)):
            layout.addWidget(QLabel(text))
            layout.addWidget(box)
            # changes made here are blocked: only the user's choices are announced
            box.currentIndexChanged.connect(partial(self._on_chosen, box))
        self.set_tracks([])

    def set_tracks(self, labels: Sequence[str]) -> None:
        for box in (self.a_box, self.b_box):
            box.blockSignals(True)
            box.clear()
            box.addItems([f"{n}: {label}" for n, label in enumerate(labels, start=1)])
            box.blockSignals(False)
        self.setVisible(len(labels) > 1)  # a take alone has nothing to compare with

    def set_pair(self, a: int, b: int) -> None:
        self._pair = (a, b)
        for box, index in ((self.a_box, a), (self.b_box, b)):
            box.blockSignals(True)
            box.setCurrentIndex(index)
            box.blockSignals(False)

    def _on_chosen(self, box: QComboBox, _index: int) -> None:
        a, b = self.a_box.currentIndex(), self.b_box.currentIndex()
        if a == b:  # picked the other one's take: the two swap
            a, b = (a, self._pair[0]) if box is self.a_box else (self._pair[1], b)
        self.pair_chosen.emit(a, b)
