"""The folder tree and the takes list: views that accept dropped files and offer a context menu."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QPainter,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from voxbooth.studio.models.roles import ID_ROLE, PROGRESS_ROLE
from voxbooth.studio.models.takes import COL_STATE
from voxbooth.studio.widgets.empty_state import EmptyState
from voxbooth.studio.widgets.progress import fitted_text


class ProgressDelegate(QStyledItemDelegate):
    """Draws a progress bar in the state column while a conversion runs."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        percent = index.data(PROGRESS_ROLE)
        if not isinstance(percent, int) or percent < 0:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum, bar.maximum, bar.progress = 0, 100, percent
        style = option.widget.style() if option.widget else QApplication.style()
        # the text inside the bar, shortened to it: a long stage never spills over the cell
        bar.text = fitted_text(option.fontMetrics, str(index.data()), bar.rect.width())
        bar.textVisible = True
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


def _local_paths(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[str]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]


@dataclass(frozen=True)
class ViewState:
    """What the artist had picked and opened in the takes list, by take id."""

    selected: list[str]
    current: str | None
    expanded: list[str]


class TakesView(QTreeView):
    """Originals with conversions nested; files dropped anywhere on it go to the current folder."""

    files_dropped = Signal(list)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is not None:  # the empty state shows exactly while no row is listed
            for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset,
                           model.layoutChanged):
                signal.connect(self._show_empty_state)
        self._show_empty_state()

    def _show_empty_state(self, *_args: object) -> None:
        model = self.model()
        self.empty_state.setVisible(model is None or model.rowCount() == 0)

    def set_footer(self, footer: QWidget) -> None:
        """`footer` (the upload rows) sits at the bottom of the list, inside its frame: the
        list's visible rows end above it, and the list itself never changes size for it."""
        footer.setParent(self)
        footer.setAutoFillBackground(True)
        self._footer: QWidget | None = footer
        footer.installEventFilter(self)
        self._place_footer()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is getattr(self, "_footer", None) and event.type() in (
                QEvent.Type.Show, QEvent.Type.Hide, QEvent.Type.LayoutRequest):
            self._place_footer()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_footer()

    def _place_footer(self) -> None:
        footer = getattr(self, "_footer", None)
        if footer is None:
            return
        height = footer.sizeHint().height() if not footer.isHidden() else 0
        self.setViewportMargins(0, 0, 0, height)
        area = self.viewport().geometry()
        footer.setGeometry(area.left(), area.bottom() + 1, area.width(), height)

    def view_state(self) -> ViewState:
        model = self.model()
        expanded = [model.index(row, 0).data(ID_ROLE) for row in range(model.rowCount())
                    if self.isExpanded(model.index(row, 0))]
        return ViewState(self.selected_ids(), self.current_id(), expanded)

    def restore_view(self, state: ViewState) -> None:
        """The same takes picked and opened again (after the list was read anew)."""
        model = self.model()
        wanted = {*state.selected, *state.expanded, state.current}
        found = {}
        for row in range(model.rowCount()):
            top = model.index(row, 0)
            found[top.data(ID_ROLE)] = top
            for child_row in range(model.rowCount(top)):
                child = model.index(child_row, 0, top)
                if child.data(ID_ROLE) in wanted:
                    found[child.data(ID_ROLE)] = child
        for take_id in state.expanded:
            if take_id in found:
                self.expand(found[take_id])
        selection = self.selectionModel()
        flags = (QItemSelectionModel.SelectionFlag.Select
                 | QItemSelectionModel.SelectionFlag.Rows)
        if state.current in found:
            selection.setCurrentIndex(found[state.current],
                                      QItemSelectionModel.SelectionFlag.NoUpdate)
        for take_id in state.selected:
            if take_id in found:
                selection.select(found[take_id], flags)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("takesView")
        # why the list is empty and what to do (the assembly's EmptyList decides what it says)
        self.empty_state = EmptyState(self.viewport())
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSortingEnabled(True)
        self.setUniformRowHeights(True)  # cheap layout with thousands of takes
        self.setAlternatingRowColors(True)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setItemDelegateForColumn(COL_STATE, ProgressDelegate(self))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.menu_actions: list[QAction | None] = []
        self.customContextMenuRequested.connect(self._menu)

    def selected_ids(self) -> list[str]:
        rows = self.selectionModel().selectedRows(0) if self.selectionModel() else []
        return [i.data(ID_ROLE) for i in rows]

    def current_id(self) -> str | None:
        index = self.currentIndex()
        return index.siblingAtColumn(0).data(ID_ROLE) if index.isValid() else None

    def _menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for action in self.menu_actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.popup(self.viewport().mapToGlobal(pos))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _local_paths(event):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if _local_paths(event):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()  # takes move by dropping them on a folder, not inside the list

    def dropEvent(self, event: QDropEvent) -> None:
        paths = _local_paths(event)
        if paths:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.files_dropped.emit(paths)
        else:
            event.ignore()


class FolderView(QTreeView):
    """The folder tree; drops are decided by its model (takes move, files upload)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("folderView")
        self.setHeaderHidden(True)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.menu_actions: list[QAction | None] = []
        self.customContextMenuRequested.connect(self._menu)

    def current_id(self) -> str:
        index = self.currentIndex()
        return str(index.data(ID_ROLE) or "") if index.isValid() else ""

    def _menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for action in self.menu_actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.popup(self.viewport().mapToGlobal(pos))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _local_paths(event):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        super().dragMoveEvent(event)
        if _local_paths(event) and self.indexAt(event.position().toPoint()).isValid():
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
