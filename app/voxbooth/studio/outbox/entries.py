"""The outbox's file: what an entry records (a recorded take or a dropped file on its way to the
service), and reading and writing the JSON file.

Plain functions that wait on the disk: they run on the outbox's writer thread
(`writer.OutboxWriter`), in tools and in tests, never on the GUI thread.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid
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

TAKE = "take"  # recorded at the desk: the file is the studio's, kept after the upload
FILE = "file"  # dropped or picked by the artist: the file is theirs, uploaded as it is


def new_key() -> str:
    """An entry's idempotency key: the same for every attempt, across restarts too."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class OutboxEntry:
    """One upload. `id` names the entry (a take's is its file path; a dropped file has its own,
    as the same file may be dropped twice). `key` is sent as the upload's Idempotency-Key.
    `maybe_stored_since_unix_s`: an attempt began then whose answer was lost, so the service may
    have kept it: the next attempt looks for it first."""

    path: str
    folder_id: str
    label: str
    state: str = RECORDING
    attempts: int = 0
    message: str = ""
    added_unix_s: float = field(default_factory=time.time)
    kind: str = TAKE
    id: str = ""
    key: str = field(default_factory=new_key)
    size_bytes: int = 0
    maybe_stored_since_unix_s: float | None = None
    attempt_started_unix_s: float | None = None
    server_failures: int = 0
    text: str = ""  # the script line the take reads (script mode), proofed by the service

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", self.path)

    @property
    def name(self) -> str:
        return Path(self.path).name


def read_queue(path: Path) -> list[OutboxEntry]:
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
    known = set(OutboxEntry.__dataclass_fields__)
    return [OutboxEntry(**{k: v for k, v in item.items() if k in known})
            for item in raw.get("takes", []) if isinstance(item, dict) and "path" in item]


def write_queue(path: Path, entries: list[OutboxEntry]) -> None:
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


def merged(read: list[OutboxEntry], session: list[OutboxEntry]) -> list[OutboxEntry]:
    """The file's entries with the session's on top (an entry the session has wins)."""
    ids = {e.id for e in session}
    return [e for e in read if e.id not in ids] + session
