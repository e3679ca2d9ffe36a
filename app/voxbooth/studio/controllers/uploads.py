"""Audio files dropped or picked: checked, then uploaded several at a time with progress and
cancel. Files that cannot pass are refused with the reason, before any byte is sent.

An upload the service could not receive waits ("waiting for the service") and is sent again by
itself once the service answers its health check; a refusal (4xx) fails at once with the
service's words. The rules are in `upload_retry.py`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from voxbooth.studio.controllers.requests import Requests
from voxbooth.studio.controllers.upload_retry import (
    CANCELLED,
    FAIL,
    WAITING_TEXT,
    fate,
    is_server_trouble,
    probe_service,
    retry_delay_s,
    send_upload,
)
from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.errors import is_unreachable, user_message
from voxbooth.studio.uploadcheck import FileCheck, check_file, expand_dropped
from voxbooth.studio.workers import Pool, TaskRunner, Worker

PARALLEL_UPLOADS = 3


def check_files(paths: list[str]) -> list[FileCheck]:
    """Worker thread: walks dropped folders and reads each file's header."""
    return [check_file(p) for p in expand_dropped(paths)]


@dataclass
class _Upload:
    """One dropped file from its row's appearance until it is uploaded, failed or cancelled;
    at any moment it is either being sent (`worker`) or waiting, never both."""

    check: FileCheck
    folder_id: str
    worker: Worker | None = None
    waiting: bool = False
    attempt: int = 0  # callbacks of an earlier attempt are ignored
    sent_all: bool = False  # every byte of this attempt left: the service may have kept it
    started_at: datetime | None = None
    maybe_stored_since: datetime | None = None  # an attempt the service may have kept
    server_failures: int = 0


class UploadController(QObject):
    """Lives on the GUI thread; uploads and health checks run in workers."""

    job_added = Signal(int, str, int)  # job id, file name, size in bytes
    job_progress = Signal(int, int, int)  # job id, sent bytes, total bytes
    job_waiting = Signal(int, str)  # job id, why it waits ("" once it is being sent again)
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
        self._jobs: dict[int, _Upload] = {}
        self._probing = False
        self._retry_round = 0  # failed health checks in a row: the pause grows with it
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.timeout.connect(self._check_service)

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
                job = next(self._ids)
                self._jobs[job] = _Upload(check, folder_id)
                self.job_added.emit(job, check.path.name, check.size_bytes)
                self._send(job)

    def _send(self, job: int) -> None:
        record = self._jobs.get(job)
        backend = self.requests.backend
        if record is None:
            return
        if backend is None:  # not connected yet, or switching servers: it goes once it is
            self._wait(job)
            return
        if record.waiting:
            record.waiting = False
            self.job_waiting.emit(job, "")
            self.job_progress.emit(job, 0, record.check.size_bytes)  # it starts over
        record.attempt += 1
        attempt = record.attempt
        record.sent_all = False
        record.started_at = datetime.now(UTC)
        worker = self.upload_runner.run(
            send_upload, backend, record.check.path, record.folder_id, record.check.size_bytes,
            record.maybe_stored_since,
            on_result=partial(self._on_uploaded, job, attempt),
            on_error=partial(self._on_failed, job, attempt),
            on_progress=partial(self._on_progress, job, attempt),
        )
        # an inline pool (tests) has already reported by now: keep the worker only while it runs
        if self._jobs.get(job) is record and record.attempt == attempt and not record.waiting:
            record.worker = worker

    def _current(self, job: int, attempt: int) -> _Upload | None:
        record = self._jobs.get(job)
        return record if record is not None and record.attempt == attempt else None

    def _on_progress(self, job: int, attempt: int, done: int, total: int) -> None:
        record = self._current(job, attempt)
        if record is not None:
            record.sent_all = done >= total
            self.job_progress.emit(job, done, total)

    def _on_uploaded(self, job: int, attempt: int, take: TakeInfo) -> None:
        if self._current(job, attempt) is None:
            return
        del self._jobs[job]
        self.job_done.emit(job, True, f"{take.label}: uploaded")
        self.uploaded.emit(take)

    def _on_failed(self, job: int, attempt: int, exc: BaseException) -> None:
        record = self._current(job, attempt)
        if record is None:
            return
        worker, record.worker = record.worker, None
        outcome = CANCELLED if worker is not None and worker.cancelled else \
            fate(exc, record.server_failures)
        if outcome == CANCELLED:
            del self._jobs[job]
            self.job_done.emit(job, False, "cancelled")
            return
        if outcome == FAIL:
            del self._jobs[job]
            self.job_done.emit(job, False, user_message(exc))
            return
        if record.sent_all and record.maybe_stored_since is None:
            record.maybe_stored_since = record.started_at
        if is_server_trouble(exc):
            record.server_failures += 1
        self._wait(job)
        if is_unreachable(exc):  # the connection shows the banner and restarts the service
            self.requests.unreachable.emit(exc)

    # -- waiting for the service ------------------------------------------------------------
    def _wait(self, job: int) -> None:
        record = self._jobs[job]
        if not record.waiting:
            record.waiting = True
            self.job_waiting.emit(job, WAITING_TEXT)
        if not self._probing and not self._retry_timer.isActive():
            self._retry_timer.start(int(retry_delay_s(self._retry_round) * 1000))

    def resume_waiting(self) -> None:
        """The service is back (the connection's `restored`): waiting uploads go now rather
        than at their next health check."""
        self._retry_timer.stop()
        self._retry_round = 0
        self._check_service()

    def _check_service(self) -> None:
        backend = self.requests.backend
        if self._probing or not self.waiting:
            return
        if backend is None:
            self._on_service_silent(None)
            return
        self._probing = True
        self.checker.run(probe_service, backend, on_result=self._on_service_answers,
                         on_error=self._on_service_silent)

    def _on_service_answers(self, _ok: object) -> None:
        self._probing = False
        self._retry_round = 0
        for job in self.waiting:
            self._send(job)

    def _on_service_silent(self, _exc: BaseException | None) -> None:
        self._probing = False
        self._retry_round += 1
        if self.waiting:
            self._retry_timer.start(int(retry_delay_s(self._retry_round) * 1000))

    # -- cancelling ---------------------------------------------------------------------------
    def cancel(self, job: int) -> None:
        record = self._jobs.get(job)
        if record is None:
            return
        if record.worker is not None:  # being sent: it stops between chunks and says so
            record.worker.cancel()
            return
        del self._jobs[job]  # waiting: nothing is on the wire, it simply never goes
        self.job_done.emit(job, False, "cancelled")

    def cancel_all(self) -> None:
        for job in list(self._jobs):
            self.cancel(job)
        self._retry_timer.stop()

    @property
    def active(self) -> int:
        """Uploads not finished yet: being sent or waiting for the service."""
        return len(self._jobs)

    @property
    def waiting(self) -> list[int]:
        return [job for job, record in self._jobs.items() if record.waiting]
