"""Uploads in progress: one row each with a progress bar and a cancel button."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QVBoxLayout, QWidget

from voxbooth.studio.widgets.progress import FittingProgressBar
from voxbooth.studio.widgets.status_line import StatusLine

DONE_ROW_LINGER_MS = 4000


class _UploadRow(QWidget):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        self.label = StatusLine(name)  # a long file name is shortened, never widens the list
        self.bar = FittingProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(True)
        self.bar.setFormat("%p%")
        self.cancel = QToolButton()
        self.cancel.setText("Cancel")
        layout.addWidget(self.label, 2)
        layout.addWidget(self.bar, 3)
        layout.addWidget(self.cancel)


class UploadPanel(QWidget):
    cancel_requested = Signal(int)  # job id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("uploadPanel")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.rows: dict[int, _UploadRow] = {}
        self.hide()

    def add_job(self, job: int, name: str, size_bytes: int) -> None:
        row = _UploadRow(f"{name} ({size_bytes / 1e6:.1f} MB)")
        row.cancel.clicked.connect(lambda: self.cancel_requested.emit(job))
        self.rows[job] = row
        self._layout.addWidget(row)
        self.show()

    def set_progress(self, job: int, done: int, total: int) -> None:
        row = self.rows.get(job)
        if row is not None and total > 0:
            row.bar.setValue(int(1000 * done / total))

    def set_waiting(self, job: int, text: str) -> None:
        """Says why an upload waits (the service is away), or "" once it is being sent again."""
        row = self.rows.get(job)
        if row is not None:
            row.bar.setFormat(text or "%p%")
            row.setToolTip(text)

    def finish(self, job: int, ok: bool, message: str) -> None:
        row = self.rows.get(job)
        if row is None:
            return
        row.cancel.setEnabled(False)
        row.bar.setValue(1000 if ok else row.bar.value())
        row.bar.setFormat("done" if ok else message[:60])
        row.setToolTip(message)
        # the panel as context: the timer dies with it (a closed window drops nothing)
        QTimer.singleShot(DONE_ROW_LINGER_MS if ok else 3 * DONE_ROW_LINGER_MS, self,
                          lambda: self._drop(job))

    def _drop(self, job: int) -> None:
        row = self.rows.pop(job, None)
        if row is not None:
            row.deleteLater()
        if not self.rows:
            self.hide()
