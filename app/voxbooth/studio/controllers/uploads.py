"""Audio files dropped or picked: checked, then uploaded several at a time with progress and
cancel. Files that cannot pass are refused with the reason, before any byte is sent."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from voxbooth.studio.controllers.requests import Requests
from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.uploadcheck import FileCheck, check_file, expand_dropped
from voxbooth.studio.workers import Pool, TaskRunner, Worker

PARALLEL_UPLOADS = 3


def check_files(paths: list[str]) -> list[FileCheck]:
    """Worker thread: walks dropped folders and reads each file's header."""
    return [check_file(p) for p in expand_dropped(paths)]


class UploadController(QObject):
    job_added = Signal(int, str, int)  # job id, file name, size in bytes
    job_progress = Signal(int, int, int)  # job id, sent bytes, total bytes
    job_done = Signal(int, bool, str)  # job id, ok, message
    refused = Signal(str)  # why a file was not uploaded
    uploaded = Signal(object)  # TakeInfo

    def __init__(self, requests: Requests, checker: TaskRunner, pool: Pool | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.requests = requests
        self.checker = checker
        if pool is None:
            qpool = QThreadPool(self)
            qpool.setMaxThreadCount(PARALLEL_UPLOADS)
            pool = qpool
        self.upload_runner = TaskRunner(pool)
        self._ids = itertools.count(1)
        self._workers: dict[int, Worker] = {}

    def add(self, paths: Iterable[str | Path], folder_id: str) -> None:
        paths = [str(p) for p in paths]
        if not folder_id:
            self.refused.emit("Pick or create a folder first, then drop the files on it")
            return
        self.checker.run(check_files, paths,
                         on_result=lambda checks: self._start_uploads(checks, folder_id))

    def _start_uploads(self, checks: list[FileCheck], folder_id: str) -> None:
        problems = [c.problem for c in checks if c.problem]
        if problems:
            self.refused.emit("Not uploaded: " + "; ".join(problems))
        if not checks:
            self.refused.emit("No audio files in what was dropped")
        for check in checks:
            if check.ok:
                self._start(check, folder_id)

    def _start(self, check: FileCheck, folder_id: str) -> None:
        backend = self.requests.backend
        if backend is None:
            self.refused.emit(f"{check.path.name}: the service is not connected yet")
            return
        job = next(self._ids)
        self.job_added.emit(job, check.path.name, check.size_bytes)
        worker = self.upload_runner.run(
            backend.upload, check.path, folder_id,
            on_result=partial(self._on_uploaded, job),
            on_error=partial(self._on_failed, job),
            on_progress=partial(self.job_progress.emit, job),
        )
        self._workers[job] = worker

    def cancel(self, job: int) -> None:
        worker = self._workers.get(job)
        if worker is not None:
            worker.cancel()

    def cancel_all(self) -> None:
        for worker in self._workers.values():
            worker.cancel()

    @property
    def active(self) -> int:
        return len(self._workers)

    def _on_uploaded(self, job: int, take: TakeInfo) -> None:
        self._workers.pop(job, None)
        self.job_done.emit(job, True, f"{take.label}: uploaded")
        self.uploaded.emit(take)

    def _on_failed(self, job: int, exc: BaseException) -> None:
        from voxbooth.studio.errors import is_cancelled, is_unreachable, user_message

        worker = self._workers.pop(job, None)
        if is_cancelled(exc) or (worker is not None and worker.cancelled):
            self.job_done.emit(job, False, "cancelled")
            return
        if is_unreachable(exc):
            self.requests.unreachable.emit(exc)
        self.job_done.emit(job, False, user_message(exc))
