"""Custom item data roles shared by the studio's models and views."""

from __future__ import annotations

from PySide6.QtCore import Qt

ID_ROLE = Qt.ItemDataRole.UserRole + 1
ENTITY_ROLE = Qt.ItemDataRole.UserRole + 2  # the ProjectInfo / FolderInfo / TakeInfo itself
SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # a value that sorts naturally (seconds, timestamps)
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 4  # 0..100 or -1 when there is no progress to show

TAKE_IDS_MIME = "application/x-voxbooth-take-ids"
