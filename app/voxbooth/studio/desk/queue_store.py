"""The desk's upload queue on disk: a JSON file beside the takes, rewritten atomically.

An entry is written when a take *starts* (state `recording`), so a take interrupted by a crash
still knows which folder it was meant for. Entries leave the file only once the service has the
take; until then a restart, a kill or an unreachable service loses nothing.
"""

from __future__ import annotations

import json
import os
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
    """Not thread-safe: the desk's GUI thread owns it (its writes are small and rare)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / QUEUE_FILE
        self.entries: list[QueuedTake] = self._load()

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
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with tmp.open("w") as out:
            json.dump({"version": 1, "takes": [asdict(e) for e in self.entries]}, out, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)

    def get(self, path: str) -> QueuedTake | None:
        return next((e for e in self.entries if e.path == path), None)

    def put(self, entry: QueuedTake) -> QueuedTake:
        self.entries = [e for e in self.entries if e.path != entry.path] + [entry]
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

    def remove(self, path: str) -> None:
        self.entries = [e for e in self.entries if e.path != path]
        self.save()

    def in_state(self, *states: str) -> list[QueuedTake]:
        return [e for e in self.entries if e.state in states]
