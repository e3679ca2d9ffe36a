"""The desk's upload queue on disk: a JSON file beside the takes, rewritten atomically.

An entry is written when a take *starts* (state `recording`), so a take interrupted by a crash
still knows which folder it was meant for. Entries leave the file only once the service has the
take; until then a restart, a kill or an unreachable service loses nothing.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

QUEUE_FILE = "upload-queue.json"

RECORDING = "recording"  # the take is being written
CHECKING = "checking"  # stopped; the quality check runs
WAITING = "waiting"  # ready to upload (or waiting for the service)
UPLOADING = "uploading"
HELD = "held"  # not uploaded: the check said "bad", or no folder was chosen
FAILED = "failed"  # the service refused it (its reason kept)


@dataclass(frozen=True)
class QueuedTake:
    path: str
    folder_id: str
    label: str
    state: str = RECORDING
    attempts: int = 0
    message: str = ""
    added_unix_s: float = field(default_factory=time.time)

    @property
    def name(self) -> str:
        return Path(self.path).name


class QueueStore:
    """The desk's GUI thread owns the entries; `save` may also run in a worker (a take's start):
    it writes the entries as they are when it gets the file, one writer at a time."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / QUEUE_FILE
        self.entries: list[QueuedTake] = self._load()
        self._save_lock = threading.Lock()

    def _load(self) -> list[QueuedTake]:
        try:
            raw: Any = json.loads(self.path.read_text())
        except FileNotFoundError:
            return []
        except (OSError, ValueError):
            # a damaged queue must not lose the takes: keep it aside, takes stay on disk
            self.path.replace(self.path.with_suffix(f".damaged-{int(time.time())}.json"))
            return []
        known = set(QueuedTake.__dataclass_fields__)
        return [QueuedTake(**{k: v for k, v in item.items() if k in known})
                for item in raw.get("takes", []) if isinstance(item, dict) and "path" in item]

    def save(self) -> None:
        with self._save_lock:
            # entries is replaced, never changed in place: this is a consistent snapshot, and the
            # newest one taken under the lock is the last written
            entries = self.entries
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + ".tmp")
            with tmp.open("w") as out:
                json.dump({"version": 1, "takes": [asdict(e) for e in entries]}, out, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)

    def get(self, path: str) -> QueuedTake | None:
        return next((e for e in self.entries if e.path == path), None)

    def put(self, entry: QueuedTake, *, save: bool = True) -> QueuedTake:
        """Adds or replaces an entry; `save=False` leaves writing it to the caller's worker."""
        self.entries = [e for e in self.entries if e.path != entry.path] + [entry]
        if save:
            self.save()
        return entry

    def update(self, path: str, **changes: Any) -> QueuedTake | None:
        entry = self.get(path)
        if entry is None:
            return None
        fresh = replace(entry, **changes)
        self.entries = [fresh if e.path == path else e for e in self.entries]
        self.save()
        return fresh

    def remove(self, path: str, *, save: bool = True) -> None:
        self.entries = [e for e in self.entries if e.path != path]
        if save:
            self.save()

    def in_state(self, *states: str) -> list[QueuedTake]:
        return [e for e in self.entries if e.state in states]
