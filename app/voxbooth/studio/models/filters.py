"""Sorting and filtering of the takes list (text, starred only, state)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.models.roles import SORT_ROLE


class TakesFilterProxy(QSortFilterProxyModel):
    """Keeps an original when it or one of its conversions matches, so a match never loses
    its context."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._starred_only = False
        self._state = ""
        self.setSortRole(SORT_ROLE)
        self.setRecursiveFilteringEnabled(True)
        self.setDynamicSortFilter(True)

    def _refilter(self, change: Callable[[], None]) -> None:
        # Qt 6.10 replaced invalidateFilter() by a begin/end pair.
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange()
        else:
            change()
            self.invalidateFilter()

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_text", text.strip().casefold()))

    def set_starred_only(self, starred_only: bool) -> None:
        self._refilter(lambda: setattr(self, "_starred_only", starred_only))

    def set_state(self, state: str) -> None:
        """'' for all, else one of new/processing/done/error."""
        self._refilter(lambda: setattr(self, "_state", state))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is the source model's (one key per take); this proxy keeps its order."""
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not (self._text or self._starred_only or self._state):
            return True  # nothing to filter: no per-row Python work for thousands of takes
        node = self.sourceModel().index(source_row, 0, source_parent).internalPointer()
        take = getattr(node, "take", None)  # the node itself: no data() round trip per row
        if not isinstance(take, TakeInfo):
            return False
        if self._starred_only and not take.starred:
            return False
        if self._state and take.state != self._state:
            return False
        if self._text:
            haystack = " ".join((take.label, take.voice_name, take.note)).casefold()
            return self._text in haystack
        return True
