"""The takes of one folder: each original with its conversions nested under it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.models.noise import NOISY_BADGE, is_noisy, noise_tip
from voxbooth.studio.models.roles import (
    ENTITY_ROLE,
    ID_ROLE,
    PROGRESS_ROLE,
    SORT_ROLE,
    TAKE_IDS_MIME,
)
from voxbooth.studio.models.take_nodes import (
    TakeNode,
    build_nodes,
    renumber,
    sort_nodes,
    sorted_row,
)

# Originals per chunk while a proxy filters each inserted row by calling `data()` (Python):
# 500 keeps a chunk of 20,000 takes' list to tens of ms. Unfiltered, a list is taken in with one
# insertion: QTreeView lays out every row again after each insertion at the top level, so
# chunks only multiplied that work (measured at 20,000 originals: 320 ms of GUI thread in one
# turn with 1,000-row chunks, 64 ms with one insertion).
CHUNK_ROWS = 500
LONG_ROWS = 2000  # originals beyond which changes are taken in again in chunks
CHUNK_PAUSE_MS = 15
SYNC_TAKES = 3000  # a list up to this long is prepared at once (tens of ms); longer, in slices
COLUMNS = ("Label", "Voice", "Duration", "State", "★", "Note", "Date")
COL_LABEL, COL_VOICE, COL_DURATION, COL_STATE, COL_STAR, COL_NOTE, COL_DATE = range(7)

AnyIndex = QModelIndex | QPersistentModelIndex
FILTER_ROLE = Qt.ItemDataRole.UserRole + 20  # what the takes filter matches (`filter_text`)
STARRED_MARK, STATE_MARK, FOUND_MARK = "\x01", "\x02", "\x03"

_SERVED_ROLES = frozenset(int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole,
    ID_ROLE, ENTITY_ROLE, PROGRESS_ROLE, SORT_ROLE, FILTER_ROLE))

# Flags computed once: Qt asks for them for every visible cell, and combining enum members in
# Python on each call costs more than the rest of the model.
_CELL = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_LEAF = Qt.ItemFlag.ItemNeverHasChildren  # lets a view skip asking for children, row by row
_DRAG = Qt.ItemFlag.ItemIsDragEnabled  # originals move between folders
_EDIT = Qt.ItemFlag.ItemIsEditable
# flags per column for a conversion, an original alone, an original with conversions
_CONVERSION_FLAGS = tuple(_CELL | _LEAF | _EDIT if col in (COL_LABEL, COL_NOTE) else _CELL | _LEAF
                          for col in range(len(COLUMNS)))
_ORIGINAL_FLAGS = tuple(f | _DRAG for f in _CONVERSION_FLAGS)
_PARENT_FLAGS = tuple((f | _DRAG) & ~_LEAF for f in _CONVERSION_FLAGS)


_Node = TakeNode
_DONE = object()  # what `next` gives for a finished loading job


def format_duration(seconds: float) -> str:
    minutes, secs = divmod(max(0.0, seconds), 60.0)
    return f"{int(minutes)}:{secs:04.1f}"


def filter_text(take: TakeInfo, found: bool = False) -> str:
    """What the takes filter's pattern is matched against: a starred mark, the state between
    marks, the label, voice and note (casefolded), then a mark if the service found the take
    by what was said (`found`). See `models.filters.filter_pattern`."""
    starred = STARRED_MARK if take.starred else ""
    words = " ".join((take.label, take.voice_name, take.note)).casefold()
    for mark in (STATE_MARK, FOUND_MARK):
        words = words.replace(mark, "")
    return f"{starred}{STATE_MARK}{take.state}{STATE_MARK}{words}{FOUND_MARK if found else ''}"


def state_text(take: TakeInfo) -> str:
    if take.state == "error":
        return f"error: {take.error}" if take.error else "error"
    if take.is_busy:
        stage = take.process_stage or take.state
        return f"{stage} {round(take.progress * 100)}%" if take.progress is not None else stage
    return f"{take.state} · {NOISY_BADGE}" if is_noisy(take) else take.state


class TakesModel(QAbstractItemModel):
    """Originals at the top level, their conversions as children. Ids are unique per model."""

    populated = Signal()  # every take of the last `set_takes` is in the model
    added = Signal(object)  # TakeInfo: a take new to the list (`upsert`), not a list's rows

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = _Node(None, None)
        self._by_id: dict[str, _Node] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self.generation = 0  # which `set_takes` the rows are from (a sort keeps it)
        # takes the service found by what was said in them, marked in what the filter matches:
        # a pattern naming thousands of ids was too large for Qt's regular expressions
        self._found: frozenset[str] = frozenset()
        self._pending: list[_Node] = []  # originals of a long list not yet taken in
        self._job: Iterator[None] | None = None  # a long list being prepared, a slice a turn
        self._incoming: list[TakeInfo] | None = None  # ... the takes it is made of
        self._held: list[_Node] = []  # ... or the originals it is sorting again
        self.rows_per_chunk: int | None = None  # None: all at once; a filtering proxy sets it
        self._chunk_timer = QTimer(self)
        self._chunk_timer.setSingleShot(True)
        self._chunk_timer.setInterval(CHUNK_PAUSE_MS)  # input and painting get a turn between
        self._chunk_timer.timeout.connect(self._load_next_chunk)

    # -- reading ---------------------------------------------------------------------------
    def _node(self, index: AnyIndex) -> _Node:
        if index.isValid():
            node = index.internalPointer()
            assert isinstance(node, _Node)
            return node
        return self._root

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:
        # the hot path of every view: hasIndex() and _node() inlined (each call into Python
        # costs microseconds, and a view asks this for every row it lays out)
        if parent.isValid():
            if parent.column():
                return QModelIndex()
            children = parent.internalPointer().children
        else:
            children = self._root.children
        if row < 0 or row >= len(children) or not 0 <= column < len(COLUMNS):
            return QModelIndex()
        return self.createIndex(row, column, children[row])

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        parent = self._node(index).parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row(), 0, parent)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return len(COLUMNS)

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:
        # one call where Qt's own asks rowCount() and columnCount(), for every row laid out
        if not parent.isValid():
            return bool(self._root.children)
        return not parent.column() and bool(parent.internalPointer().children)

    # An original's conversions are offered to views as rows still to fetch until a view asks
    # for them (it expands the original): a proxy answers `hasChildren` for such a row at
    # once, where otherwise it maps every original's conversions (a dozen calls into Python
    # per original) each time a view lays out the list.
    def canFetchMore(self, parent: AnyIndex) -> bool:
        if not parent.isValid() or parent.column():
            return False
        node = parent.internalPointer()
        return not node.opened and bool(node.children)

    def fetchMore(self, parent: AnyIndex) -> None:
        if parent.isValid():
            parent.internalPointer().opened = True

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # a view painting asks about ten roles per visible cell (font, colours, alignment...)
        # and this model serves few: answering the rest before any other work keeps painting
        # a screenful of takes well under a frame (it held the GUI thread ~20 ms before)
        if role not in _SERVED_ROLES or not index.isValid():
            return None
        take = index.internalPointer().take
        col = index.column()
        if role == ID_ROLE:
            return take.id
        if role == ENTITY_ROLE:
            return take
        if role == PROGRESS_ROLE:
            return round(take.progress * 100) if take.is_busy and take.progress is not None else -1
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(take, col)
        if role == Qt.ItemDataRole.EditRole and col == COL_LABEL:
            return take.label
        if role == SORT_ROLE:
            return self._sort_key(take, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_STATE and is_noisy(take):
                return noise_tip(take)
            return take.error or take.note or None
        if role == FILTER_ROLE:
            return filter_text(take, take.id in self._found)
        return None

    @staticmethod
    def _display(take: TakeInfo, col: int) -> str:
        if col == COL_LABEL:
            return take.label
        if col == COL_VOICE:
            return take.voice_name if take.is_conversion else "original"
        if col == COL_DURATION:
            return format_duration(take.duration_s)
        if col == COL_STATE:
            return state_text(take)
        if col == COL_STAR:
            return "★" if take.starred else ""
        if col == COL_NOTE:
            return take.note
        if col == COL_DATE:
            return take.created_at.strftime("%Y-%m-%d %H:%M") if take.created_at else ""
        return ""

    @staticmethod
    def _sort_key(take: TakeInfo, col: int) -> Any:
        if col == COL_DURATION:
            return take.duration_s
        if col == COL_STAR:
            return int(take.starred)
        if col == COL_DATE:
            return take.created_at.timestamp() if take.created_at else 0.0
        return TakesModel._display(take, col).casefold()

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        # a tree view asks this twice per row on every layout of thousands of takes: one
        # tuple lookup, no per-call combining
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        node = index.internalPointer()
        take = node.take
        if take is None or take.kind != "original":
            return _CONVERSION_FLAGS[index.column()]
        if node.children:
            return _PARENT_FLAGS[index.column()]
        return _ORIGINAL_FLAGS[index.column()]

    def mimeTypes(self) -> list[str]:
        return [TAKE_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        ids = list(dict.fromkeys(self.data(i, ID_ROLE) for i in indexes if i.isValid()))
        mime = QMimeData()
        mime.setData(TAKE_IDS_MIME, "\n".join(ids).encode())
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def set_found(self, take_ids: frozenset[str]) -> None:
        """The takes the service found for the filter's words (the filter is applied again
        by whoever calls this: `TakesFilterProxy.set_found`)."""
        self._found = take_ids

    # -- lookups ---------------------------------------------------------------------------
    def take(self, take_id: str) -> TakeInfo | None:
        node = self._by_id.get(take_id)
        return node.take if node else None

    def index_of(self, take_id: str, column: int = 0) -> QModelIndex:
        node = self._by_id.get(take_id)
        if node is None:
            return QModelIndex()
        return self.createIndex(node.row(), column, node)

    def takes(self) -> list[TakeInfo]:
        """Every take, including those of a long list not taken in yet."""
        if self._incoming is not None:
            return list(self._incoming)
        nodes = list(self._by_id.values())
        for node in (*self._held, *self._pending):
            nodes.append(node)
            nodes.extend(node.children)
        return [n.take for n in nodes if n.take is not None]

    def takes_in_rows(self, parent: AnyIndex, first: int, last: int) -> list[TakeInfo]:
        """The takes of rows `first`..`last` under `parent`, with an original's conversions."""
        found: list[TakeInfo] = []
        for node in self._node(parent).children[first:last + 1]:
            found.extend(n.take for n in (node, *node.children) if n.take is not None)
        return found

    def conversions_of(self, original_id: str) -> list[TakeInfo]:
        node = self._by_id.get(original_id)
        return [c.take for c in node.children if c.take is not None] if node else []

    # -- sorting ---------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorts originals, and conversions under each, with one key per take: with thousands
        of takes this costs milliseconds, where a proxy's pairwise comparisons in Python would
        hold the GUI thread for a noticeable time."""
        if not 0 <= column < len(COLUMNS):
            return
        self._sort = (column, order)
        if self._job is not None:  # still being prepared: prepare it again in this order
            self.set_takes(self.takes())
            return
        if self.is_long():
            # a long list is sorted a slice at a time and taken in again in chunks:
            # re-laying out thousands of rows at once would hold the GUI thread (the
            # selection is not kept)
            nodes = self._root.children + self._pending
            self.beginResetModel()
            self._root.children, self._by_id, self._pending = [], {}, []
            self._held = nodes
            self._job = self._resort(nodes)
            self.endResetModel()
            self._chunk_timer.start()
            return
        self.finish_loading()
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        nodes_at = [(self._node(i), i.column()) for i in persistent]
        for _ in self._sorted(self._root.children):
            pass
        renumber(self._root.children)
        self.changePersistentIndexList(
            persistent, [self.createIndex(n.row(), c, n) for n, c in nodes_at])
        self.layoutChanged.emit()

    def _sorted(self, nodes: list[_Node]) -> Iterator[None]:
        """Sorts `nodes` (and their conversions) in the model's order, a slice per step."""
        if self._sort is None:
            return
        column, order = self._sort
        yield from sort_nodes(nodes, lambda take: self._sort_key(take, column),
                              order == Qt.SortOrder.DescendingOrder)

    def _resort(self, nodes: list[_Node]) -> Iterator[None]:
        yield from self._sorted(nodes)
        self._held, self._pending = [], nodes

    def is_long(self) -> bool:
        """Whether rows are better taken in a chunk at a time than changed all at once."""
        return self._job is not None or \
            len(self._root.children) + len(self._pending) > LONG_ROWS

    def retake_rows(self, while_empty: Callable[[], None] = lambda: None) -> None:
        """Takes every row in again, a chunk per turn of the event loop, so that a proxy
        filtering thousands of takes filters a chunk at a time (the selection is not kept).
        `while_empty` runs while the model shows no rows (a proxy changes its filter then)."""
        if self._job is not None:
            while_empty()  # the rows are still to come: the proxy filters them as they arrive
            return
        nodes = self._root.children + self._pending
        self.beginResetModel()
        self._root.children, self._by_id, self._pending = [], {}, nodes
        self.endResetModel()
        while_empty()
        self._chunk_timer.start()

    # -- writing ---------------------------------------------------------------------------
    def set_takes(self, takes: Iterable[TakeInfo]) -> None:
        """Replaces everything: originals, with their conversions under them.

        A long list is prepared (nodes built, sorted) a slice per turn of the event loop and
        then arrives in chunks, so the GUI thread is never held for long by the model, the
        views and the proxies taking in thousands of rows at once.
        """
        all_takes = list(takes)
        self.beginResetModel()
        self.generation += 1
        self._root = _Node(None, None)
        self._by_id, self._pending, self._held = {}, [], []
        self._incoming = all_takes
        self._job = self._prepare(all_takes)
        if len(all_takes) <= SYNC_TAKES:
            self._run_job()
            self._adopt(self._take_chunk())
        self.endResetModel()
        if self._job is not None or self._pending:
            self._chunk_timer.start()
        else:
            self.populated.emit()

    def _prepare(self, takes: list[TakeInfo]) -> Iterator[None]:
        originals = yield from build_nodes(takes, self._root)
        yield from self._sorted(originals)
        self._incoming, self._pending = None, originals

    def _run_job(self) -> None:
        """Finishes preparing at once."""
        if self._job is not None:
            for _ in self._job:
                pass
            self._job = None

    def _take_chunk(self) -> list[_Node]:
        size = self.rows_per_chunk or len(self._pending)
        chunk, self._pending = self._pending[:size], self._pending[size:]
        return chunk

    def _adopt(self, nodes: list[_Node]) -> None:
        for node in nodes:
            node.parent = self._root
            node.at = len(self._root.children)
            self._root.children.append(node)
            self._by_id[node.take.id] = node  # type: ignore[union-attr]
            for child in node.children:
                self._by_id[child.take.id] = child  # type: ignore[union-attr]

    def _load_next_chunk(self) -> None:
        """Takes in the next chunk, or says the list is complete (a newer `set_takes` simply
        replaces `_pending`, so a late tick continues with the newer list)."""
        if self._job is not None:
            if next(self._job, _DONE) is _DONE:
                self._job = None
            self._chunk_timer.start()
            return
        if not self._pending:
            self.populated.emit()
            return
        chunk = self._take_chunk()
        start = len(self._root.children)
        self.beginInsertRows(QModelIndex(), start, start + len(chunk) - 1)
        self._adopt(chunk)
        self.endInsertRows()
        self._chunk_timer.start()

    @property
    def loading(self) -> bool:
        return self._job is not None or bool(self._pending)

    def finish_loading(self) -> None:
        """Takes in the rest of a long list at once (before an insertion)."""
        if not self.loading:
            return
        self._run_job()
        if self._pending:
            rest, self._pending = self._pending, []
            start = len(self._root.children)
            self.beginInsertRows(QModelIndex(), start, start + len(rest) - 1)
            self._adopt(rest)
            self.endInsertRows()
        self._chunk_timer.stop()
        self.populated.emit()

    def _move_to_sorted_place(self, node: _Node) -> None:
        """A take whose sort key changed (renamed, its state moved on) moves to where the
        order puts it now, alone: the other rows, the selection and the view stay."""
        parent = node.parent
        assert parent is not None and node.take is not None
        row, siblings = node.row(), parent.children
        others = siblings[:row] + siblings[row + 1:]
        wanted = sorted_row(others, node.take, self._key_of_column(), self._descending())
        if wanted == row:
            return
        parent_index = QModelIndex() if parent is self._root else \
            self.createIndex(parent.row(), 0, parent)
        # Qt counts the destination in the rows as they are before the move
        self.beginMoveRows(parent_index, row, row, parent_index,
                           wanted if wanted < row else wanted + 1)
        siblings.pop(row)
        siblings.insert(wanted, node)
        renumber(siblings, min(row, wanted))
        self.endMoveRows()

    def _key_of_column(self) -> Callable[[TakeInfo], Any]:
        column = self._sort[0] if self._sort is not None else COL_LABEL
        return lambda take: self._sort_key(take, column)

    def _descending(self) -> bool:
        return self._sort is not None and self._sort[1] == Qt.SortOrder.DescendingOrder

    def _row_for(self, take: TakeInfo, parent: _Node) -> int:
        """The row a new take goes to under `parent`: its sorted place, or the end."""
        if self._sort is None:
            return len(parent.children)
        return sorted_row(parent.children, take, self._key_of_column(), self._descending())

    def _attach(self, take: TakeInfo, parent: _Node, row: int) -> _Node:
        node = _Node(take, parent, row)
        parent.children.insert(row, node)
        renumber(parent.children, row)
        self._by_id[take.id] = node
        return node

    def upsert(self, take: TakeInfo) -> None:
        """Adds a take, or updates it in place (a conversion's progress, a rename, a star)."""
        self.finish_loading()
        node = self._by_id.get(take.id)
        if node is not None:
            before, node.take = node.take, take
            if self._sort is not None and before is not None and \
                    self._sort_key(before, self._sort[0]) != self._sort_key(take, self._sort[0]):
                self._move_to_sorted_place(node)
            row = node.row()
            self.dataChanged.emit(self.createIndex(row, 0, node),
                                  self.createIndex(row, len(COLUMNS) - 1, node))
            return
        parent = self._root
        parent_index = QModelIndex()
        if take.is_conversion:
            found = self._by_id.get(take.original_id or "")
            if found is None or found.parent is not self._root:
                return  # a conversion of an original not shown here
            parent, parent_index = found, self.createIndex(found.row(), 0, found)
        # in its sorted place: sorting everything again would re-lay out (with a long list,
        # take in again) every row for one take, and lose the selection
        row = self._row_for(take, parent)
        self.beginInsertRows(parent_index, row, row)
        self._attach(take, parent, row)
        self.endInsertRows()
        self.added.emit(take)

    def remove(self, take_id: str) -> TakeInfo | None:
        node = self._by_id.get(take_id)
        if node is None or node.parent is None:
            return None
        parent = node.parent
        parent_index = QModelIndex() if parent is self._root else \
            self.createIndex(parent.row(), 0, parent)
        row = node.row()
        self.beginRemoveRows(parent_index, row, row)
        parent.children.pop(row)
        renumber(parent.children, row)
        for child in [node, *node.children]:
            self._by_id.pop(child.take.id if child.take else "", None)
        self.endRemoveRows()
        return node.take
