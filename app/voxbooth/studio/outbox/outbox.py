"""The outbox: every recorded take and every dropped file goes to the service through here.

One persisted queue (`OutboxStore`, the JSON file beside the takes), one policy (`policy.py`:
wait through outages, retry 5xx and 429 after a growing pause that honours Retry-After, look a
lost answer's upload up before sending again, the same Idempotency-Key on every attempt), one
progress and cancel path (a job id per upload, shown in the uploads panel).

Runs on the GUI thread; uploads and health checks run in workers, the queue's file is written by
the store's own thread. A dropped file is checked (header, size) in a worker before it enters the
queue; several go at once, recorded takes one at a time so they reach the service in the order
they were recorded. A take the service refused stays `failed` with its words, its file kept.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.outbox.entries import new_key
from voxbooth.studio.outbox.policy import (
    CANCELLED,
    FAIL,
    WAITING_TEXT,
    fate,
    is_server_trouble,
    probe_service,
    retry_after_s,
    retry_delay_s,
    send_upload,
)
from voxbooth.studio.outbox.store import (
    FAILED,
    FILE,
    HELD,
    TAKE,
    UPLOADING,
    WAITING,
    OutboxEntry,
    OutboxStore,
)
from voxbooth.studio.service.errors import is_unreachable, user_message
from voxbooth.studio.service.requests import Requests
from voxbooth.studio.service.workers import Pool, TaskRunner, Worker
from voxbooth.studio.uploadcheck import FileCheck, check_file, expand_dropped

PARALLEL_UPLOADS = 3
UNREACHABLE_TEXT = "the service is unreachable; it uploads when it is back"


def check_files(paths: list[str], max_bytes: int | None,
                formats: tuple[str, ...] | None = None) -> list[FileCheck]:
    """Worker thread: walks dropped folders and reads each file's header, against the
    service's upload limit and formats (None while no service has said)."""
    return [check_file(p, max_bytes, formats) for p in expand_dropped(paths, formats)]


def too_large(size_bytes: int, max_bytes: int) -> str:
    return (f"{size_bytes / 1e6:.0f} MB is over this service's "
            f"{max_bytes // (1024 * 1024)} MB limit")


@dataclass
class _Job:
    """One entry's row from its appearance until it is uploaded, failed or cancelled; at any
    moment it is either being sent (`worker`) or waiting, never both."""

    entry_id: str
    worker: Worker | None = None
    waiting: bool = False  # shown as waiting for the service; sent after the next health check
    attempt: int = 0  # callbacks of an earlier attempt are ignored
    sent_all: bool = False  # every byte of this attempt left: the service may have kept it


class Outbox(QObject):
    changed = Signal()  # the entries changed (the desk shows how many takes wait)
    job_added = Signal(int, str, int)  # job id, file name, size in bytes
    job_progress = Signal(int, int, int)  # job id, sent bytes, total bytes
    job_waiting = Signal(int, str)  # job id, why it waits ("" once it is being sent again)
    job_done = Signal(int, bool, str)  # job id, ok, message
    progress = Signal(str, int, int)  # file name, bytes sent, total (the desk's bar)
    refused = Signal(str)  # why a dropped file was not uploaded
    message = Signal(str)  # a take the service refused
    uploaded = Signal(object)  # TakeInfo: the take is on the service
    take_uploaded = Signal(str, object)  # a recorded take's file path, its TakeInfo

    def __init__(self, requests: Requests, store: OutboxStore,
                 current_folder: Callable[[], str], checker: TaskRunner,
                 pool: Pool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.requests = requests
        self.store = store
        self.current_folder = current_folder
        self.checker = checker
        if pool is None:
            qpool = QThreadPool(self)
            qpool.setMaxThreadCount(PARALLEL_UPLOADS)
            pool = qpool
        self.upload_runner = TaskRunner(pool)
        self._ids = itertools.count(1)
        self._jobs: dict[int, _Job] = {}
        self._started = False
        self._probing = False
        self._retry_round = 0  # failed health checks in a row: the pause grows with it
        self._asked_wait_s: float | None = None  # the longest Retry-After since the last check
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.timeout.connect(self._check_service)
        self._early_folder = ""  # picked before the queue was read: its held takes go there

    # -- what enters the outbox -----------------------------------------------------------------
    def add(self, paths: Iterable[str | Path], folder_id: str) -> None:
        """Dropped or picked files: checked in a worker, then queued into the folder."""
        names = [str(p) for p in paths]
        if not folder_id:
            self.refused.emit("Pick or create a folder first, then drop the files on it")
            return
        rules = self.requests.rules
        self.checker.run(check_files, names, self.max_upload_bytes(),
                         rules.audio_formats if rules is not None else None,
                         on_result=lambda checks: self._queue_files(checks, folder_id))

    def max_upload_bytes(self) -> int | None:
        """The connected service's upload limit; None while none is connected (checked again
        before each upload)."""
        backend = self.requests.backend
        rules = backend.rules if backend is not None else None
        return rules.max_upload_bytes if rules is not None else None

    def _queue_files(self, checks: list[FileCheck], folder_id: str) -> None:
        problems = [c.problem for c in checks if c.problem]
        if problems:
            self.refused.emit("Not uploaded: " + "; ".join(problems))
        if not checks:
            self.refused.emit("No audio files in what was dropped")
        for check in checks:
            if check.ok:
                entry = self.store.put(OutboxEntry(
                    str(check.path), folder_id, check.path.stem, WAITING, kind=FILE,
                    id=f"file:{new_key()}", size_bytes=check.size_bytes))
                self._add_job(entry)
        self.changed.emit()
        self.try_next()

    def enqueue(self, path: str) -> None:
        """A recorded take passed its check (or the artist uploads it anyway)."""
        entry = self.store.get(path)
        if entry is None:
            return
        folder = entry.folder_id or self.current_folder()
        if not folder:
            self.store.update(path, state=HELD,
                              message="pick a folder: the take uploads into it")
        else:
            entry = self.store.update(path, state=WAITING, folder_id=folder, message="") \
                or entry
            if self._job_of(entry.id) is None:
                self._add_job(entry)
        self.changed.emit()
        self.try_next()

    def adopt_held(self, folder_id: str) -> None:
        """A folder was picked: takes recorded with none go into it."""
        if not self.store.adopted:  # the queue's file is still being read
            self._early_folder = folder_id
        for entry in self.store.in_state(HELD):
            if not entry.folder_id and folder_id:
                fresh = self.store.update(entry.id, folder_id=folder_id, state=WAITING,
                                          message="")
                if fresh is not None and self._job_of(fresh.id) is None:
                    self._add_job(fresh)
        self.changed.emit()
        self.try_next()

    def start(self) -> None:
        """Once the store has taken in the file's entries (the desk's recovery): what a killed
        studio was sending may have reached the service, so it is looked for before it goes."""
        self._started = True
        for entry in self.store.in_state(UPLOADING):
            if self._job_of(entry.id) is None:  # cut off by a kill or a quit: send it again
                self.store.update(entry.id, state=WAITING,
                                  maybe_stored_since_unix_s=entry.maybe_stored_since_unix_s
                                  or entry.attempt_started_unix_s)
        for entry in self.store.in_state(WAITING):
            if self._job_of(entry.id) is None:
                self._add_job(entry)
        if self._early_folder:
            folder, self._early_folder = self._early_folder, ""
            self.adopt_held(folder)
        self.changed.emit()  # the queue read from the disk is shown
        self.try_next()

    def stop(self) -> None:
        """The studio closes: what is being sent stops between chunks and stays queued (it
        goes at the next start); nothing is dropped from the queue."""
        self._started = False
        self._retry_timer.stop()
        for job in self._jobs.values():
            if job.worker is not None:
                job.worker.cancel()

    # -- sending --------------------------------------------------------------------------------
    def try_next(self) -> None:
        """Starts what may go now: the service is there, the entry does not wait for a health
        check, fewer than PARALLEL_UPLOADS are on the wire and no other take is."""
        if not self._started:
            return
        backend = self.requests.backend
        sending = [self.store.get(j.entry_id) for j in self._jobs.values()
                   if j.worker is not None]
        take_on_wire = any(e is not None and e.kind == TAKE for e in sending)
        free = PARALLEL_UPLOADS - len(sending)
        for job_id, job in list(self._jobs.items()):
            entry = self.store.get(job.entry_id)
            if entry is None or entry.state != WAITING or job.worker is not None:
                continue
            if backend is None:  # not connected yet, or switching servers: it goes once it is
                self._wait(job_id)
                continue
            if job.waiting or free <= 0 or (entry.kind == TAKE and take_on_wire):
                continue
            self._send(job_id, entry)
            free -= 1
            take_on_wire = take_on_wire or entry.kind == TAKE

    def _add_job(self, entry: OutboxEntry) -> int:
        job_id = next(self._ids)
        self._jobs[job_id] = _Job(entry.id)
        size = entry.size_bytes or _size_of(entry.path)
        self.job_added.emit(job_id, Path(entry.path).name, size)
        return job_id

    def _job_of(self, entry_id: str) -> int | None:
        return next((j for j, job in self._jobs.items() if job.entry_id == entry_id), None)

    def _send(self, job_id: int, entry: OutboxEntry) -> None:
        job = self._jobs[job_id]
        backend = self.requests.backend
        assert backend is not None
        path = Path(entry.path)
        if not path.exists():
            self._finish(job_id, FAILED, "the file is gone")
            return
        size = entry.size_bytes or _size_of(entry.path)
        limit = backend.rules.max_upload_bytes if backend.rules is not None else None
        if limit is not None and size > limit:  # refused here, before a byte is sent
            self._finish(job_id, FAILED, too_large(size, limit))
            return
        job.attempt += 1
        job.sent_all = False
        attempt = job.attempt
        now_s = time.time()
        since = entry.maybe_stored_since_unix_s
        self.store.update(entry.id, state=UPLOADING, attempts=entry.attempts + 1,
                          size_bytes=size, attempt_started_unix_s=now_s, message="")
        self.changed.emit()
        if attempt > 1:
            self.job_progress.emit(job_id, 0, size)  # it starts over
        if self._jobs.get(job_id) is not job:  # cancelled by a receiver of those signals
            return
        # its result arrives on a later turn of the event loop, when `job.worker` is set
        job.worker = self.upload_runner.run(
            send_upload, backend, path, entry.folder_id, entry.label, size, entry.key,
            datetime.fromtimestamp(since, UTC) if since is not None else None, text=entry.text,
            on_result=partial(self._on_uploaded, job_id, attempt),
            on_error=partial(self._on_failed, job_id, attempt),
            on_progress=partial(self._on_progress, job_id, attempt),
        )

    def _current(self, job_id: int, attempt: int) -> _Job | None:
        job = self._jobs.get(job_id)
        return job if job is not None and job.attempt == attempt else None

    def _on_progress(self, job_id: int, attempt: int, done: int, total: int) -> None:
        job = self._current(job_id, attempt)
        if job is None:
            return
        job.sent_all = done >= total
        self.job_progress.emit(job_id, done, total)
        entry = self.store.get(job.entry_id)
        if entry is not None:
            self.progress.emit(entry.name, done, total)

    def _on_uploaded(self, job_id: int, attempt: int, take: TakeInfo) -> None:
        job = self._current(job_id, attempt)
        if job is None:
            return
        entry = self.store.get(job.entry_id)
        del self._jobs[job_id]
        self.store.remove(job.entry_id)
        self.changed.emit()
        self.job_done.emit(job_id, True, f"{take.label}: uploaded")
        self.uploaded.emit(take)
        if entry is not None and entry.kind == TAKE:
            self.take_uploaded.emit(entry.path, take)
        self.try_next()

    def _on_failed(self, job_id: int, attempt: int, exc: BaseException) -> None:
        job = self._current(job_id, attempt)
        if job is None:
            return
        worker, job.worker = job.worker, None
        entry = self.store.get(job.entry_id)
        if entry is None:
            return
        if not self._started:  # the studio closes: the entry goes at the next start
            return
        outcome = CANCELLED if worker is not None and worker.cancelled else \
            fate(exc, entry.server_failures)
        if outcome == CANCELLED:
            self._cancelled(job_id)
            return
        if outcome == FAIL:
            self._finish(job_id, FAILED, user_message(exc))
            return
        changes: dict[str, object] = {"state": WAITING}
        if job.sent_all and entry.maybe_stored_since_unix_s is None:
            changes["maybe_stored_since_unix_s"] = entry.attempt_started_unix_s
        if is_server_trouble(exc):
            changes["server_failures"] = entry.server_failures + 1
        asked = retry_after_s(exc)
        if asked is not None:
            self._asked_wait_s = max(asked, self._asked_wait_s or 0.0)
        if is_unreachable(exc):
            changes["message"] = UNREACHABLE_TEXT
        self.store.update(entry.id, **changes)
        self.changed.emit()
        self._wait(job_id)
        if is_unreachable(exc):  # the connection shows the banner and restarts the service
            self.requests.unreachable.emit(exc)
        self.try_next()  # others may go in its place

    def _finish(self, job_id: int, state: str, reason: str) -> None:
        """Refused for good: a dropped file leaves the outbox; a take stays, with the reason."""
        job = self._jobs.pop(job_id)
        entry = self.store.get(job.entry_id)
        if entry is not None and entry.kind == TAKE:
            self.store.update(entry.id, state=state, message=reason)
            self.message.emit(f"Take {entry.name} was not uploaded: {reason}")
        else:
            self.store.remove(job.entry_id)
        self.changed.emit()
        self.job_done.emit(job_id, False, reason)
        self.try_next()

    def _cancelled(self, job_id: int) -> None:
        """The artist cancelled: a dropped file leaves the outbox; a take is kept, held (its
        file stays on disk; the desk's "upload anyway" sends it)."""
        job = self._jobs.pop(job_id)
        entry = self.store.get(job.entry_id)
        if entry is not None and entry.kind == TAKE:
            self.store.update(entry.id, state=HELD, message="upload cancelled")
        else:
            self.store.remove(job.entry_id)
        self.changed.emit()
        self.job_done.emit(job_id, False, "cancelled")
        self.try_next()

    # -- waiting for the service ------------------------------------------------------------
    def _wait(self, job_id: int) -> None:
        job = self._jobs[job_id]
        if not job.waiting:
            job.waiting = True
            self.job_waiting.emit(job_id, WAITING_TEXT)
        if not self._probing and not self._retry_timer.isActive():
            self._retry_timer.start(int(1000 * retry_delay_s(self._retry_round,
                                                             self._asked_wait_s)))

    def resume_waiting(self) -> None:
        """The service is (back) up (the connection's `ready` or `restored`): what waits goes
        now rather than at its next health check."""
        self._retry_timer.stop()
        self._retry_round = 0
        self._release_waiting()

    def _check_service(self) -> None:
        backend = self.requests.backend
        if self._probing or not self.waiting_jobs:
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
        self._release_waiting()

    def _release_waiting(self) -> None:
        self._asked_wait_s = None
        for job_id in self.waiting_jobs:
            job = self._jobs[job_id]
            job.waiting = False
            self.job_waiting.emit(job_id, "")
        self.try_next()

    def _on_service_silent(self, _exc: BaseException | None) -> None:
        self._probing = False
        self._retry_round += 1
        if self.waiting_jobs:
            self._retry_timer.start(int(1000 * retry_delay_s(self._retry_round,
                                                             self._asked_wait_s)))

    # -- cancelling ---------------------------------------------------------------------------
    def cancel(self, job_id: int) -> None:
        job = self._jobs.get(job_id)
        if job is None:
            return
        if job.worker is not None:  # being sent: it stops between chunks and says so
            job.worker.cancel()
            return
        self._cancelled(job_id)  # waiting: nothing is on the wire, it simply never goes

    def cancel_all(self) -> None:
        for job_id in list(self._jobs):
            self.cancel(job_id)
        self._retry_timer.stop()

    # -- what the outbox holds ----------------------------------------------------------------
    @property
    def active(self) -> int:
        """Uploads not finished yet: being sent or waiting for the service."""
        return len(self._jobs)

    @property
    def waiting_jobs(self) -> list[int]:
        return [job_id for job_id, job in self._jobs.items() if job.waiting]

    @property
    def waiting(self) -> list[OutboxEntry]:
        """Recorded takes not on the service yet (the desk's count)."""
        return self.store.in_state(WAITING, UPLOADING, kind=TAKE)


def _size_of(path: str) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0
