"""The upload queue's file: what a queued take records, and reading and writing the JSON file.

Plain functions that wait on the disk: they run on the queue's writer thread
(`queue_writer.QueueWriter`), in tools and in tests, never on the GUI thread.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
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


def read_queue(path: Path) -> list[QueuedTake]:
    """The entries in the file; none if there is no file. A damaged file is kept aside (the
    takes themselves stay on disk) rather than stopping the studio from starting."""
    try:
        raw: Any = json.loads(path.read_text())
        if not isinstance(raw, dict):
            raise ValueError("not a queue")
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        with contextlib.suppress(OSError):  # unreadable and unmovable: the next write replaces it
            path.replace(path.with_suffix(f".damaged-{int(time.time())}.json"))
        return []
    known = set(QueuedTake.__dataclass_fields__)
    return [QueuedTake(**{k: v for k, v in item.items() if k in known})
            for item in raw.get("takes", []) if isinstance(item, dict) and "path" in item]


def write_queue(path: Path, entries: list[QueuedTake]) -> None:
    """Replaces the file at once: a crash leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w") as out:
        json.dump({"version": 1, "takes": [asdict(e) for e in entries]}, out, indent=1)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    # the rename is only durable once the folder's entry is: a power cut could otherwise bring
    # back the previous queue (POSIX; Windows cannot open a folder, and needs no such step)
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def merged(read: list[QueuedTake], session: list[QueuedTake]) -> list[QueuedTake]:
    """The file's entries with the session's on top (a path the session has wins)."""
    paths = {e.path for e in session}
    return [e for e in read if e.path not in paths] + session
