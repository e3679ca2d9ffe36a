"""The user's projects, for the project picker."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QObject
from PySide6.QtGui import QStandardItem, QStandardItemModel

from voxbooth.studio.entities import ProjectInfo
from voxbooth.studio.models.roles import ENTITY_ROLE, ID_ROLE


class ProjectsModel(QStandardItemModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

    def set_projects(self, projects: Iterable[ProjectInfo]) -> None:
        self.clear()
        for project in sorted(projects, key=lambda p: p.name.casefold()):
            self.appendRow(self._item(project))

    @staticmethod
    def _item(project: ProjectInfo) -> QStandardItem:
        item = QStandardItem(project.name)
        item.setData(project.id, ID_ROLE)
        item.setData(project, ENTITY_ROLE)
        item.setEditable(False)
        return item

    def upsert(self, project: ProjectInfo) -> int:
        """Adds or renames a project; returns its row."""
        row = self.row_of(project.id)
        if row >= 0:
            item = self.item(row)
            item.setText(project.name)
            item.setData(project, ENTITY_ROLE)
            return row
        self.appendRow(self._item(project))
        return self.rowCount() - 1

    def remove(self, project_id: str) -> None:
        row = self.row_of(project_id)
        if row >= 0:
            self.removeRow(row)

    def row_of(self, project_id: str) -> int:
        for row in range(self.rowCount()):
            if self.item(row).data(ID_ROLE) == project_id:
                return row
        return -1

    def project_at(self, row: int) -> ProjectInfo | None:
        item = self.item(row)
        return item.data(ENTITY_ROLE) if item is not None else None

    def index_of(self, project_id: str) -> QModelIndex:
        row = self.row_of(project_id)
        return self.index(row, 0) if row >= 0 else QModelIndex()
