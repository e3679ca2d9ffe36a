"""Sorting and filtering of the takes list (text, starred only, state), the text matched in the
label, voice and note here and, through the service's search (`set_found`), in what was said."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRegularExpression, QSortFilterProxyModel, Qt

from voxbooth.studio.models.roles import SORT_ROLE
from voxbooth.studio.models.takes import (
    CHUNK_ROWS,
    FILTER_ROLE,
    FOUND_MARK,
    STARRED_MARK,
    STATE_MARK,
    TakesModel,
)


def filter_pattern(text: str, starred_only: bool, state: str, found: bool = False) -> str:
    """A regular expression over `models.takes.filter_text`; '' when nothing is filtered.
    `found`: the takes the service found for `text` (by what was said, marked in their
    filter text) are kept as well."""
    parts = []
    if starred_only:
        parts.append(f"(?={QRegularExpression.escape(STARRED_MARK)})")
    if state:
        parts.append(f"(?=.*{QRegularExpression.escape(STATE_MARK + state + STATE_MARK)})")
    text = text.strip().casefold()
    if text:  # searched in the words only, past the state (whose name could match)
        mark = QRegularExpression.escape(STATE_MARK)
        found_mark = QRegularExpression.escape(FOUND_MARK)
        words = f"[^{found_mark}]*{QRegularExpression.escape(text)}"
        if found:
            words = f"(?:{words}|.*{found_mark}$)"
        parts.append(f"(?=[^{mark}]*{mark}[^{mark}]*{mark}{words})")
    return "^(?s)" + "".join(parts) if parts else ""


class TakesFilterProxy(QSortFilterProxyModel):
    """Keeps an original when it or one of its conversions matches, so a match never loses
    its context.

    The matching is Qt's own (a regular expression over one role): with no filter Qt accepts
    every row without calling into Python, and with one it calls only `data()` per row, where
    a Python `filterAcceptsRow` cost several calls per row each time the view laid out
    thousands of takes.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._starred_only = False
        self._state = ""
        self._found: frozenset[str] = frozenset()  # the service's matches for `_text`
        self.setSortRole(SORT_ROLE)
        self.setFilterRole(FILTER_ROLE)
        self.setFilterKeyColumn(0)
        self.setRecursiveFilteringEnabled(True)
        self.setDynamicSortFilter(True)

    def _apply(self) -> None:
        pattern = filter_pattern(self._text, self._starred_only, self._state,
                                 bool(self._found))
        source = self.sourceModel()
        if isinstance(source, TakesModel):  # filtered rows cost a data() call each to take in
            source.rows_per_chunk = CHUNK_ROWS if pattern else None
            source.set_found(self._found)
        if pattern == self.filterRegularExpression().pattern():
            self.beginFilterChange()  # the same pattern over other found takes
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.setFilterRegularExpression(QRegularExpression(pattern))

    def _refilter(self) -> None:
        source = self.sourceModel()
        if isinstance(source, TakesModel) and source.is_long():
            # re-filtering thousands of takes at once holds the GUI thread for the whole list:
            # the model takes its rows in again in chunks, each filtered as it arrives
            source.retake_rows(while_empty=self._apply)
        else:
            self._apply()

    def set_text(self, text: str) -> None:
        if text.strip().casefold() != self._text.strip().casefold():
            self._found = frozenset()  # the service's matches were for other words
        self._text = text
        self._refilter()

    @property
    def text(self) -> str:
        return self._text

    def set_found(self, text: str, take_ids: frozenset[str]) -> None:
        """The takes the service found for `text` by their label or by what was said in
        them; ignored when the filter has other words by now (a late answer)."""
        if text.strip().casefold() != self._text.strip().casefold() or take_ids == self._found:
            return
        self._found = take_ids
        self._refilter()

    def set_starred_only(self, starred_only: bool) -> None:
        self._starred_only = starred_only
        self._refilter()

    def set_state(self, state: str) -> None:
        """'' for all, else one of new/processing/done/error."""
        self._state = state
        self._refilter()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is the source model's (one key per take); this proxy keeps its order."""
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)
