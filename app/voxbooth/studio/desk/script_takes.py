"""The current line's takes as a Qt list model (a thin mirror of `Script`): label, duration,
the quality verdict, the words to check once transcribed, and a star on the best one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from voxbooth.studio.desk.script import ScriptTake
from voxbooth.studio.desk.script_proof import brief, proof_from_dict

AnyIndex = QModelIndex | QPersistentModelIndex
PATH_ROLE = Qt.ItemDataRole.UserRole + 1
VERDICT_WORDS = {"good": "good", "warning": "usable, with warnings", "bad": "not usable"}
VERDICT_COLOURS = {"good": "#26a269", "warning": "#c64600", "bad": "#c01c28"}


def describe_take(take: ScriptTake, best: bool) -> str:
    """"★ L02 take 3 · 4.2 s · good" (what the artist compares when picking the best)."""
    parts = [("★ " if best else "") + take.label]
    if take.duration_s:
        parts.append(f"{take.duration_s:.1f} s")
    parts.append(VERDICT_WORDS.get(take.verdict, "checking…"))
    heard = brief(proof_from_dict(take.proof))
    if heard:
        parts.append(heard)
    return " · ".join(parts)


class LineTakesModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._takes: list[ScriptTake] = []
        self._best = ""

    def set_takes(self, takes: list[ScriptTake], best: str) -> None:
        self.beginResetModel()
        self._takes = list(takes)
        self._best = best
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._takes)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._takes):
            return None
        take = self._takes[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return describe_take(take, take.path == self._best)
        if role == Qt.ItemDataRole.ToolTipRole:
            proof = proof_from_dict(take.proof)
            heard = f"\n{proof.summary}" if proof is not None else ""
            return f"{Path(take.path).name}\n{take.summary or 'not checked yet'}{heard}"
        if role == Qt.ItemDataRole.ForegroundRole and take.verdict in VERDICT_COLOURS:
            return QBrush(QColor(VERDICT_COLOURS[take.verdict]))
        if role == PATH_ROLE:
            return take.path
        return None

    def row_of(self, path: str) -> int:
        return next((i for i, t in enumerate(self._takes) if t.path == path), -1)

    def path_at(self, row: int) -> str:
        return self._takes[row].path if 0 <= row < len(self._takes) else ""
