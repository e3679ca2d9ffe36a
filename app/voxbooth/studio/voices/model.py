"""Voices in a Qt item model, filtered and sorted by a proxy (STYLE.md habit 4)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QIcon

from voxbooth.studio.entities import VoiceInfo

AnyIndex = QModelIndex | QPersistentModelIndex
VOICE_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
SORT_ROLE = Qt.ItemDataRole.UserRole + 3

# The filters the panel offers: field name -> (label, choices as in seed 002)
FILTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "species": ("Species", ("human", "animal", "other")),
    "gender": ("Gender", ("male", "female")),
    "age_group": ("Age", ("child", "young", "adult", "senior")),
    "pitch_group": ("Pitch", ("low", "mid", "high")),
    "visibility": ("Visibility", ("public", "paid", "private", "kids")),
}
SORTS = {"Name": "name", "Pitch": "pitch_hz", "Rating": "rating", "Newest": "created_at"}


class VoicesModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._voices: list[VoiceInfo] = []
        self._icons: dict[str, QIcon] = {}

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._voices)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._voices):
            return None
        voice = self._voices[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            star = "★ " if voice.favorite else ""
            lock = " (private)" if voice.is_private else ""
            return f"{star}{voice.name}{lock}\n{voice.summary}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return voice.description or voice.name
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icons.get(voice.id)
        if role == VOICE_ROLE:
            return voice
        if role == ID_ROLE:
            return voice.id
        return None

    def set_voices(self, voices: Iterable[VoiceInfo]) -> None:
        self.beginResetModel()
        self._voices = list(voices)
        self.endResetModel()

    def voices(self) -> list[VoiceInfo]:
        return list(self._voices)

    def row_of(self, voice_id: str) -> int:
        return next((i for i, v in enumerate(self._voices) if v.id == voice_id), -1)

    def voice(self, voice_id: str) -> VoiceInfo | None:
        row = self.row_of(voice_id)
        return self._voices[row] if row >= 0 else None

    def upsert(self, voice: VoiceInfo) -> None:
        row = self.row_of(voice.id)
        if row < 0:
            self.beginInsertRows(QModelIndex(), len(self._voices), len(self._voices))
            self._voices.append(voice)
            self.endInsertRows()
            return
        self._voices[row] = voice
        index = self.index(row, 0)
        self.dataChanged.emit(index, index)

    def set_favorite(self, voice_id: str, favorite: bool) -> None:
        voice = self.voice(voice_id)
        if voice is not None:
            self.upsert(replace(voice, favorite=favorite))

    def set_icon(self, voice_id: str, icon: QIcon) -> None:
        self._icons[voice_id] = icon
        row = self.row_of(voice_id)
        if row >= 0:
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])


class VoiceFilterProxy(QSortFilterProxyModel):
    """Filters on the seed's voice fields, a name search and favourites; sorts by a field."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, str] = {}
        self.nationality = ""
        self.text = ""
        self.favourites_only = False
        self.sort_field = "name"
        self.setDynamicSortFilter(True)
        self.sort(0, Qt.SortOrder.AscendingOrder)

    def _refilter(self, change: Callable[[], None]) -> None:
        # Qt 6.10 replaced invalidateFilter() by a begin/end pair around the change
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange()
        else:
            change()
            self.invalidateFilter()

    def set_field(self, name: str, value: str) -> None:
        self._refilter(lambda: self.fields.__setitem__(name, value))

    def set_nationality(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "nationality", text.strip().casefold()))

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "text", text.strip().casefold()))

    def set_favourites_only(self, on: bool) -> None:
        self._refilter(lambda: setattr(self, "favourites_only", on))

    def set_sort_field(self, name: str, descending: bool = False) -> None:
        self.sort_field = name
        self.invalidate()
        self.sort(0, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)

    def filterAcceptsRow(self, row: int, parent: AnyIndex) -> bool:
        voice = self.sourceModel().index(row, 0, parent).data(VOICE_ROLE)
        if not isinstance(voice, VoiceInfo):
            return False
        for name, value in self.fields.items():
            if value and getattr(voice, name) != value:
                return False
        if self.nationality and self.nationality not in voice.nationality.casefold():
            return False
        if self.text and self.text not in voice.name.casefold():
            return False
        return not (self.favourites_only and not voice.favorite)

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        a, b = left.data(VOICE_ROLE), right.data(VOICE_ROLE)
        if not isinstance(a, VoiceInfo) or not isinstance(b, VoiceInfo):
            return False
        key_a, key_b = getattr(a, self.sort_field), getattr(b, self.sort_field)
        if key_a is None or key_b is None:
            return key_a is None and key_b is not None
        if key_a == key_b:
            return a.name.casefold() < b.name.casefold()
        if isinstance(key_a, str):
            return key_a.casefold() < key_b.casefold()
        return bool(key_a < key_b)
