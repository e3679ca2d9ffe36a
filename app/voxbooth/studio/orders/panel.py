"""The order panel: per-voice accent, semitones and narration style, the cost, submit, retry."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from voxbooth.studio.entities import TakeInfo, VoiceInfo
from voxbooth.studio.widgets.status_line import StatusLine

COL_VOICE, COL_ACCENT, COL_SEMITONES, COL_STYLE = range(4)


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
        self.quoted: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # what `quote` prices
        self.quote: int | None = None  # credits, as the service prices this order
        self.asked: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # priced, not back
        # two lines each whatever they say: the table and the buttons stay where they are
        self.originals_label = StatusLine("", lines=2)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("orderVoices")
        self.table.setHorizontalHeaderLabels(["Voice", "Accent", "Semitones", "Narration"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.cost_label = StatusLine("", lines=2)
        self.cost_label.setObjectName("orderCost")
        self.submit = QPushButton("Convert")
        self.submit.setObjectName("orderSubmit")
        self.retry = QPushButton("Retry failed")
        self.retry.setMinimumWidth(self.retry.sizeHint().width()
                                   + self.retry.fontMetrics().horizontalAdvance("99 "))
        self.tts = QPushButton("Text to speech…")
        buttons = QHBoxLayout()
        buttons.addWidget(self.submit, 1)
        buttons.addWidget(self.retry)
        buttons.addWidget(self.tts)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.originals_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.cost_label)
        layout.addLayout(buttons)
        self.submit.clicked.connect(self._submit)
        self.retry.clicked.connect(lambda: self.retry_requested.emit([t.id for t in self.failed]))
        self.tts.clicked.connect(self.tts_requested)
        self._refresh()

    # -- inputs ---------------------------------------------------------------------------------
    def set_takes(self, takes: list[TakeInfo]) -> None:
        """The takes selected in the takes list: originals to order, failed ones to retry."""
        self.originals = [t for t in takes if not t.is_conversion]
        self.failed = [t for t in takes if t.is_conversion and t.state == "error"]
        self._refresh()

    def set_voices(self, voices: list[VoiceInfo]) -> None:
        self.voices = list(voices)
        self.table.setRowCount(0)
        for voice in self.voices:
            self._add_row(voice)
        self._refresh()

    def set_balance(self, balance: float | None) -> None:
        self.balance = balance
        self._refresh()

    def _add_row(self, voice: VoiceInfo) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        name = QLabel(voice.name)
        self.table.setCellWidget(row, COL_VOICE, name)
        accent = QComboBox()
        for item in voice.accents:
            accent.addItem(item.name, item.id)
        default = voice.default_accent()
        if default is not None:
            accent.setCurrentIndex(max(0, accent.findData(default.id)))
        semitones = QDoubleSpinBox()
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
        self.table.setCellWidget(row, COL_ACCENT, accent)
        self.table.setCellWidget(row, COL_SEMITONES, semitones)
        self.table.setCellWidget(row, COL_STYLE, style)

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
    def order_key(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return tuple(t.id for t in self.originals), tuple(v.id for v in self.voices)

    @property
    def cost(self) -> int | None:
        """The order's credits as the service prices it; None until it has answered."""
        return self.quote if self.quoted == self.order_key else None

    def set_quote(self, key: tuple[tuple[str, ...], tuple[str, ...]], credits: int) -> None:
        """The service's price of the order `key` (a late answer for another order is kept
        aside: the selection has moved on)."""
        self.quoted, self.quote = key, credits
        self._refresh()

    def describe_cost(self) -> str:
        if not self.originals or not self.voices:
            return "Select one or more originals in the takes list and one or more voices"
        count = len(self.originals) * len(self.voices)
        cost = self.cost
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
        key = self.order_key
        if self.originals and self.voices and self.quoted != key and self.asked != key:
            self.asked = key
            self.quote_wanted.emit(list(key[0]), list(key[1]))
        self.cost_label.setText(self.describe_cost())
        cost = self.cost
        affordable = self.balance is None or (cost is not None and cost <= self.balance)
        self.submit.setEnabled(bool(self.originals and self.voices) and affordable)
        self.retry.setEnabled(bool(self.failed))
        self.retry.setText(f"Retry {len(self.failed)} failed" if self.failed else "Retry failed")

    def _submit(self) -> None:
        if self.originals and self.voices:
            self.submit_requested.emit([t.id for t in self.originals], self.conversions())
