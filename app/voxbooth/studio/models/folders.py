"""The folder tree of one project; folders nest through `parent_id`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QMimeData, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel

from voxbooth.studio.entities import FolderInfo
from voxbooth.studio.models.roles import ENTITY_ROLE, ID_ROLE, TAKE_IDS_MIME

FOLDER_IDS_MIME = "application/x-voxbooth-folder-ids"


class FolderTreeModel(QStandardItemModel):
    """Folders as a tree. Dropping takes or folders on a folder asks for a move (a signal): the
    model changes only when the service has agreed, so the tree never shows what is not stored."""

    takes_dropped = Signal(list, str)  # take ids, target folder id
    folder_dropped = Signal(str, object)  # folder id, new parent id (None: top level)
    files_dropped = Signal(list, str)  # local paths, target folder id

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: dict[str, QStandardItem] = {}
        self.setHorizontalHeaderLabels(["Folders"])

    def set_folders(self, folders: Iterable[FolderInfo]) -> None:
        self.removeRows(0, self.rowCount())
        self._items = {}
        pending = sorted(folders, key=lambda f: f.name.casefold())
        # Parents first; a folder whose parent is unknown goes to the top level.
        known = {f.id for f in pending}
        while pending:
            placed = [f for f in pending if f.parent_id is None or f.parent_id in self._items
                      or f.parent_id not in known]
            if not placed:
                placed = pending  # a cycle: show them at the top rather than lose them
            for folder in placed:
                self._place(folder)
            pending = [f for f in pending if f not in placed]

    def _place(self, folder: FolderInfo) -> QStandardItem:
        item = QStandardItem(folder.name)
        item.setData(folder.id, ID_ROLE)
        item.setData(folder, ENTITY_ROLE)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                      | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled)
        parent = self._items.get(folder.parent_id or "")
        (parent if parent is not None else self.invisibleRootItem()).appendRow(item)
        self._items[folder.id] = item
        return item

    def upsert(self, folder: FolderInfo) -> QModelIndex:
        item = self._items.get(folder.id)
        if item is None:
            return self._place(folder).index()
        current = item.data(ENTITY_ROLE)
        if current.parent_id != folder.parent_id:
            self.remove(folder.id)
            return self._place(folder).index()
        item.setText(folder.name)
        item.setData(folder, ENTITY_ROLE)
        return item.index()

    def remove(self, folder_id: str) -> None:
        item = self._items.get(folder_id)
        if item is None:
            return
        stack = [item]
        while stack:  # forget the whole subtree
            node = stack.pop()
            self._items.pop(node.data(ID_ROLE), None)
            stack.extend(node.child(r) for r in range(node.rowCount()))
        parent = item.parent() or self.invisibleRootItem()
        parent.removeRow(item.row())

    def folder(self, folder_id: str) -> FolderInfo | None:
        item = self._items.get(folder_id)
        return item.data(ENTITY_ROLE) if item is not None else None

    def index_of(self, folder_id: str) -> QModelIndex:
        item = self._items.get(folder_id)
        return item.index() if item is not None else QModelIndex()

    def folder_ids(self) -> list[str]:
        return list(self._items)

    # -- drag and drop ----------------------------------------------------------------------
    def mimeTypes(self) -> list[str]:
        return [TAKE_IDS_MIME, FOLDER_IDS_MIME, "text/uri-list"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        ids = [i.data(ID_ROLE) for i in indexes if i.isValid()]
        mime.setData(FOLDER_IDS_MIME, "\n".join(ids).encode())
        return mime

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int,
                        column: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        if data.hasFormat(FOLDER_IDS_MIME):
            return True
        return parent.isValid() and (data.hasFormat(TAKE_IDS_MIME) or data.hasUrls())

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int,
                     column: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        target = parent.data(ID_ROLE) if parent.isValid() else None
        if data.hasFormat(TAKE_IDS_MIME) and target:
            ids = bytes(data.data(TAKE_IDS_MIME).data()).decode().split("\n")
            self.takes_dropped.emit([i for i in ids if i], target)
        elif data.hasFormat(FOLDER_IDS_MIME):
            for folder_id in bytes(data.data(FOLDER_IDS_MIME).data()).decode().split("\n"):
                if folder_id and folder_id != target:
                    self.folder_dropped.emit(folder_id, target)
        elif data.hasUrls() and target:
            paths = [u.toLocalFile() for u in data.urls() if u.isLocalFile()]
            self.files_dropped.emit(paths, target)
        return False  # the move happens when the service confirms it, not here
