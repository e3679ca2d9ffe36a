"""The upload queue's writer thread: reads the file once, then writes the newest entries given.

The GUI thread never waits on the disk (STYLE.md habit 3), yet the queue must reach it in order:
`request` only leaves a snapshot in a slot of one and returns. One thread at a time writes, in the
order of the requests; a snapshot requested while another is being written replaces any still
waiting in the slot, so the file always ends with the newest state and a burst of changes costs
one or two writes, not one each.

The thread starts when there is something to do and ends when nothing is left, and is not a
daemon: a studio that quits (or a tool that returns) finishes its last write before the process
ends. Whoever needs an entry on disk *now* - a take about to start recording - calls `flush` from
a worker.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path

from voxbooth.studio.outbox.entries import OutboxEntry, merged, read_queue, write_queue


class OutboxWriter:
    def __init__(self, path: Path,
                 on_error: Callable[[BaseException], object] | None = None) -> None:
        self.path = Path(path)
        self.on_error = on_error  # called on the writer thread when writing starts to fail
        self._lock = threading.Condition()
        self._read: list[OutboxEntry] | None = None  # the file as it was before this session
        # (generation, entries, complete): complete is False until the GUI thread has taken the
        # file's entries in; until then the file's entries are kept under the session's
        self._slot: tuple[int, list[OutboxEntry], bool] | None = None
        self._requested = 0
        self._done = 0  # the newest generation written (or that failed)
        self._failure: BaseException | None = None
        self._running = False
        with self._lock:
            self._start()  # reading the file is the thread's first job: before any write

    def request(self, entries: list[OutboxEntry], *, complete: bool) -> int:
        """Any thread (the GUI one): `entries` will be written; returns at once. `entries` must
        not be changed afterwards (the store replaces its list, never edits it)."""
        with self._lock:
            self._requested += 1
            self._slot = (self._requested, entries, complete)
            if not self._running:
                self._start()
            return self._requested

    def read(self, timeout_s: float | None = None) -> list[OutboxEntry]:
        """Worker: the entries the file held when this writer started."""
        with self._lock:
            if not self._lock.wait_for(lambda: self._read is not None, timeout_s):
                raise TimeoutError(f"{self.path} was not read within {timeout_s} s")
            return list(self._read or [])

    def flush(self, timeout_s: float | None = None) -> None:
        """Worker: returns once everything requested before the call is on disk; raises what
        the last write raised if it failed."""
        with self._lock:
            target = self._requested
            if not self._lock.wait_for(lambda: self._done >= target and self._read is not None,
                                       timeout_s):
                raise TimeoutError(f"{self.path} was not written within {timeout_s} s")
            if self._failure is not None:
                raise self._failure

    def _start(self) -> None:  # under the lock
        self._running = True
        threading.Thread(target=self._run, name="upload-queue-writer", daemon=False).start()

    def _run(self) -> None:  # the writer thread
        if self._read is None:  # only the first thread reads; later ones find it set
            try:
                read = read_queue(self.path)
            except Exception as exc:  # a bug must not leave the readers waiting
                read = []
                self._report(exc)
            with self._lock:
                self._read = read
                self._lock.notify_all()
        while True:
            with self._lock:
                slot, self._slot = self._slot, None
                if slot is None:
                    self._running = False
                    return
            generation, entries, complete = slot
            try:
                write_queue(self.path, entries if complete else merged(self._read or [], entries))
                failure: BaseException | None = None
            except Exception as exc:  # kept for `flush`, told to the studio
                failure = exc
            with self._lock:
                first_failure = failure is not None and self._failure is None
                self._done, self._failure = generation, failure
                self._lock.notify_all()
            if first_failure and failure is not None:
                # the entries stay in memory and the next change writes them all again
                self._report(failure)

    def _report(self, exc: BaseException) -> None:
        if self.on_error is None:
            return
        with contextlib.suppress(RuntimeError):  # its receiver is gone: the studio is closing
            self.on_error(exc)
