"""The outbox's persisted queue: a JSON file beside the takes, kept by a writer thread.

An entry is written when a take *starts* (state `recording`), so a take interrupted by a crash
still knows which folder it was meant for. Entries leave the file only once the service has the
take; until then a restart, a kill or an unreachable service loses nothing.

The GUI thread owns the entries and changes them at once; the file is read and written on the
outbox's own thread (`writer`), so no state change waits on the disk. A take's entry is on
disk before its first block is recorded: the worker that starts the take waits for it (`flush`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from voxbooth.studio.outbox.entries import (
    CHECKING,
    FAILED,
    FILE,
    HELD,
    QUEUE_FILE,
    RECORDING,
    TAKE,
    UPLOADING,
    WAITING,
    OutboxEntry,
    merged,
)
from voxbooth.studio.outbox.writer import OutboxWriter

__all__ = ["CHECKING", "FAILED", "FILE", "HELD", "QUEUE_FILE", "RECORDING", "TAKE", "UPLOADING",
           "WAITING", "OutboxEntry", "OutboxStore"]


class OutboxStore:
    """Entries on the GUI thread; `read`, `flush` (and `open_blocking`) wait on the disk and are
    for workers, tools and tests.

    The file is read as the store is made, on the writer thread; `adopt` takes its entries in.
    Until then the session's entries are saved on top of the file's, so a take started before the
    read came back loses nothing that was queued before.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / QUEUE_FILE
        self.entries: list[OutboxEntry] = []  # replaced, never changed in place (see `save`)
        self.adopted = False
        self.on_write_error: Callable[[BaseException], object] | None = None
        self._writer = OutboxWriter(self.path, on_error=self._write_failed)

    @classmethod
    def open_blocking(cls, folder: Path) -> OutboxStore:
        """A store with the file's entries taken in: waits for the read (tools and tests)."""
        store = cls(folder)
        store.adopt(store.read())
        return store

    def _write_failed(self, exc: BaseException) -> None:  # the writer thread
        if self.on_write_error is not None:
            self.on_write_error(exc)

    # -- the disk (workers) ---------------------------------------------------------------------
    def read(self, timeout_s: float | None = None) -> list[OutboxEntry]:
        """Worker: the entries the file held before this session."""
        return self._writer.read(timeout_s)

    def flush(self, timeout_s: float | None = None) -> None:
        """Worker: waits until every change made before the call is on disk."""
        self._writer.flush(timeout_s)

    # -- the entries (GUI thread) ---------------------------------------------------------------
    def adopt(self, read: list[OutboxEntry]) -> None:
        """Takes in the file's entries (from `read`), under any this session already has."""
        self.entries = merged(read, self.entries)
        self.adopted = True

    def save(self) -> None:
        # the list is replaced on every change, never edited: the writer gets a consistent
        # snapshot without a copy, and the newest snapshot is the last written
        self._writer.request(self.entries, complete=self.adopted)

    # an entry is named by its id: a take's is its file path (see `OutboxEntry`)
    def get(self, entry_id: str) -> OutboxEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def put(self, entry: OutboxEntry) -> OutboxEntry:
        """Adds or replaces an entry."""
        self.entries = [e for e in self.entries if e.id != entry.id] + [entry]
        self.save()
        return entry

    def update(self, entry_id: str, **changes: Any) -> OutboxEntry | None:
        entry = self.get(entry_id)
        if entry is None:
            return None
        fresh = replace(entry, **changes)
        self.entries = [fresh if e.id == entry_id else e for e in self.entries]
        self.save()
        return fresh

    def remove(self, entry_id: str) -> None:
        self.entries = [e for e in self.entries if e.id != entry_id]
        self.save()

    def in_state(self, *states: str, kind: str | None = None) -> list[OutboxEntry]:
        return [e for e in self.entries
                if e.state in states and (kind is None or e.kind == kind)]
