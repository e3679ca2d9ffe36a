"""The order panel: per-voice accent, semitones and narration style, the cost, submit, retry.

It mirrors what is selected: the originals picked in the takes list (with what has already been
made from them), one row per highlighted voice. Convert is off while an order of that very
selection is on its way, and comes back with the service's answer (the reason shown when it
failed); a double click on it is one click.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from voxbooth.studio.entities import TakeInfo, VoiceInfo
from voxbooth.studio.orders.noise_option import clean_first_box, show_noisy
from voxbooth.studio.orders.voice_rows import (
    COL_ACCENT,
    COL_SEMITONES,
    COL_STYLE,
    COL_VOICE,
    VoiceRows,
)
from voxbooth.studio.widgets.status_line import StatusLine

__all__ = ["COL_ACCENT", "COL_SEMITONES", "COL_STYLE", "COL_VOICE", "OrderPanel", "made_text"]
MADE_SHOWN = 6  # conversions named in the "already made" line; the rest are counted

OrderKey = tuple[tuple[str, ...], tuple[str, ...]]  # original ids, voice ids


class OnceButton(QPushButton):
    """A push button for which a double click is one click: the second press of a double click
    (Qt delivers it as a double-click event, which a button otherwise takes as a press) is
    swallowed, so its release clicks nothing."""

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        event.accept()


def _made_one(take: TakeInfo) -> str:
    name = take.voice_name or take.label
    if take.state == "done":
        return f"{name} ✓"
    if take.state == "error":
        return f"{name} (failed)"
    if take.progress:  # under way (a queued one says 0: its state says more)
        return f"{name} {round(take.progress * 100)}%"
    return f"{name} ({take.state})"


def made_text(made: list[TakeInfo]) -> str:
    """What has already been made from the selected originals, by voice and state."""
    if not made:
        return ""
    named = ", ".join(_made_one(t) for t in made[:MADE_SHOWN])
    more = f" and {len(made) - MADE_SHOWN} more" if len(made) > MADE_SHOWN else ""
    return f"Already made: {named}{more}"


class OrderPanel(QWidget):
    submit_requested = Signal(list, list)  # original ids, conversion dicts
    retry_requested = Signal(list)  # failed conversion ids
    tts_requested = Signal()
    quote_wanted = Signal(list, list)  # original ids, voice ids: what would this order cost?

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderPanel")
        self.originals: list[TakeInfo] = []
        self.failed: list[TakeInfo] = []
        self.voices: list[VoiceInfo] = []
        self.balance: float | None = None
        self.made: list[TakeInfo] = []  # conversions the selected originals already have
        self.quoted: OrderKey | None = None  # what `quote` prices
        self.quote: int | None = None  # credits, as the service prices this order
        self.asked: OrderKey | None = None  # priced, not back
        self.placing: set[OrderKey] = set()  # orders sent, not answered yet
        # status lines of a fixed height whatever they say (shortened with "…", whole in the
        # tooltip): the table and the buttons stay where they are
        self.originals_label = StatusLine("")
        self.made_label = StatusLine("")
        self.made_label.setObjectName("orderMade")
        policy = self.made_label.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # hidden while nothing is made: its place kept
        self.made_label.setSizePolicy(policy)
        self.status_label = StatusLine("", lines=2)  # the last order's answer, or why not
        self.status_label.setObjectName("orderStatus")
        self.table = VoiceRows()  # a block per voice: its settings never cut off
        self.table.setObjectName("orderVoices")
        self.cost_label = StatusLine("")
        self.cost_label.setObjectName("orderCost")
        self.submit = OnceButton("Convert")
        self.submit.setObjectName("orderSubmit")
        self.retry = OnceButton("Retry failed")  # a double click retries once too
        self.retry.setMinimumWidth(self.retry.sizeHint().width()
                                   + self.retry.fontMetrics().horizontalAdvance("99 "))
        self.tts = QPushButton("Text to speech…")
        self.clean_first = clean_first_box()
        buttons = QHBoxLayout()
        buttons.addWidget(self.submit, 1)
        buttons.addWidget(self.retry)
        buttons.addWidget(self.tts)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.originals_label)
        layout.addWidget(self.made_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.cost_label)
        layout.addWidget(self.clean_first)
        layout.addLayout(buttons)
        layout.addWidget(self.status_label)
        self.submit.clicked.connect(self._submit)
        self.retry.clicked.connect(lambda: self.retry_requested.emit([t.id for t in self.failed]))
        self.tts.clicked.connect(self.tts_requested)
        self._refresh()

    # -- inputs ---------------------------------------------------------------------------------
    def set_takes(self, takes: list[TakeInfo], made: list[TakeInfo] | None = None) -> None:
        """The takes selected in the takes list: originals to order, failed ones to retry;
        `made`: the conversions those originals already have."""
        self.originals = [t for t in takes if not t.is_conversion]
        self.failed = [t for t in takes if t.is_conversion and t.state == "error"]
        self.made = list(made or [])
        show_noisy(self.clean_first, self.originals)
        self._refresh()

    def set_voices(self, voices: list[VoiceInfo]) -> None:
        """One row per voice, in this order. A voice that had a row with the same data keeps
        the artist's accent, semitones and narration choices; one whose data changed on the
        service (a saved correction) starts from the service's settings again."""
        kept = {voice.id: self._choices(row) for row, voice in enumerate(self.voices)
                if voice in voices}
        self.voices = list(voices)
        self.table.clear()
        for voice in self.voices:
            self._add_row(voice)
            if voice.id in kept:
                self._restore_choices(self.table.rowCount() - 1, *kept[voice.id])
        self._refresh()

    def _choices(self, row: int) -> tuple[str, float, str]:
        accent, semitones, style = (self.table.cellWidget(row, c)
                                    for c in (COL_ACCENT, COL_SEMITONES, COL_STYLE))
        return (str(accent.currentData() or "") if isinstance(accent, QComboBox) else "",
                float(semitones.value()) if isinstance(semitones, QDoubleSpinBox) else 0.0,
                str(style.currentData() or "") if isinstance(style, QComboBox) else "")

    def _restore_choices(self, row: int, accent_id: str, semitones: float,
                         style_id: str) -> None:
        accent, spin, style = (self.table.cellWidget(row, c)
                               for c in (COL_ACCENT, COL_SEMITONES, COL_STYLE))
        if isinstance(accent, QComboBox) and accent.findData(accent_id) >= 0:
            accent.setCurrentIndex(accent.findData(accent_id))
        if isinstance(spin, QDoubleSpinBox):
            spin.setValue(semitones)  # after the accent, whose change sets its default
        if isinstance(style, QComboBox) and style.findData(style_id) >= 0:
            style.setCurrentIndex(style.findData(style_id))

    def set_balance(self, balance: float | None) -> None:
        self.balance = balance
        self._refresh()

    def _add_row(self, voice: VoiceInfo) -> None:
        name = QLabel(voice.name)
        accent = QComboBox()
        for item in voice.accents:
            accent.addItem(item.name, item.id)
        default = voice.default_accent()
        if default is not None:
            accent.setCurrentIndex(max(0, accent.findData(default.id)))
        semitones = QDoubleSpinBox()
        semitones.setSuffix(" st")
        semitones.setRange(-24.0, 24.0)
        semitones.setSingleStep(0.5)
        semitones.setValue(default.semitones_correction if default else 0.0)

        def accent_changed(_i: int, v: VoiceInfo = voice, box: QComboBox = accent,
                           spin: QDoubleSpinBox = semitones) -> None:
            chosen = v.accent(str(box.currentData() or ""))
            spin.setValue(chosen.semitones_correction if chosen else 0.0)

        accent.currentIndexChanged.connect(accent_changed)
        style = QComboBox()
        style.addItem("(speech to speech)", "")
        for narration in voice.narration_styles:
            style.addItem(narration.name, narration.id)
        self.table.add_row(name, {COL_ACCENT: accent, COL_SEMITONES: semitones,
                                  COL_STYLE: style})

    # -- output ---------------------------------------------------------------------------------
    def conversions(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        # the service's own flag, so an original made from text in an earlier session or by
        # another client is still ordered with a narration style
        needs_style = any(t.tts for t in self.originals)
        for row, voice in enumerate(self.voices):
            accent = self.table.cellWidget(row, COL_ACCENT)
            semitones = self.table.cellWidget(row, COL_SEMITONES)
            style = self.table.cellWidget(row, COL_STYLE)
            item: dict[str, Any] = {"voice_id": voice.id}
            if isinstance(accent, QComboBox) and accent.currentData():
                item["accent_id"] = str(accent.currentData())
            if isinstance(semitones, QDoubleSpinBox) and semitones.value():
                item["semitones_correction"] = float(semitones.value())
            style_id = str(style.currentData() or "") if isinstance(style, QComboBox) else ""
            if not style_id and needs_style:
                default_style = voice.default_style()
                style_id = default_style.id if default_style else ""
            if style_id:
                item["narration_style_id"] = style_id
            items.append(item)
        return items

    @property
    def order_key(self) -> OrderKey:
        return tuple(t.id for t in self.originals), tuple(v.id for v in self.voices)

    @property
    def placing_this(self) -> bool:
        """Whether an order of what is selected now is on its way."""
        return self.order_key in self.placing

    def order_sent(self, key: OrderKey) -> None:
        """An order of `key` left: Convert is off for that selection until it is answered."""
        self.placing.add(key)
        self.status_label.setText("")
        self._refresh()

    def order_answered(self, key: OrderKey, text: str) -> None:
        """The service answered the order of `key`: `text` says what was made, or why not."""
        self.placing.discard(key)
        self.status_label.setText(text)
        self._refresh()

    @property
    def cost(self) -> int | None:
        """The order's credits as the service prices it; None until it has answered."""
        return self.quote if self.quoted == self.order_key else None

    def set_quote(self, key: OrderKey, credits: int) -> None:
        """The service's price of the order `key` (a late answer for another order is kept
        aside: the selection has moved on)."""
        self.quoted, self.quote = key, credits
        self._refresh()

    def describe_cost(self) -> str:
        if not self.originals or not self.voices:
            return "Select one or more originals in the takes list and one or more voices"
        count = len(self.originals) * len(self.voices)
        cost = self.cost
        if self.placing_this:
            return f"Ordering {count} conversion(s)…"
        if cost is None:
            return f"{count} conversion(s) · pricing…"
        text = f"{count} conversion(s) · {cost} credit(s)"
        if self.balance is not None:
            text += f" · you have {self.balance:g}"
            if cost > self.balance:
                text += " — not enough credits"
        return text

    def _refresh(self) -> None:
        names = ", ".join(f"“{t.label}”" for t in self.originals[:3])
        more = f" and {len(self.originals) - 3} more" if len(self.originals) > 3 else ""
        self.originals_label.setText(f"Originals: {names}{more}" if self.originals
                                     else "Originals: select takes in the list")
        self.made_label.setText(made_text(self.made))
        self.made_label.setVisible(bool(self.made))
        key = self.order_key
        if self.originals and self.voices and self.quoted != key and self.asked != key:
            self.asked = key
            self.quote_wanted.emit(list(key[0]), list(key[1]))
        self.cost_label.setText(self.describe_cost())
        cost = self.cost
        affordable = self.balance is None or (cost is not None and cost <= self.balance)
        self.submit.setEnabled(bool(self.originals and self.voices) and affordable
                               and not self.placing_this)
        self.retry.setEnabled(bool(self.failed))
        self.retry.setText(f"Retry {len(self.failed)} failed" if self.failed else "Retry failed")

    def _submit(self) -> None:
        if self.originals and self.voices and not self.placing_this:
            self.submit_requested.emit([t.id for t in self.originals], self.conversions())
