"""What a job handler sees: its context, the exceptions it raises, the hooks a kind may have."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from voxbooth.server.models import Job

if TYPE_CHECKING:
    from voxbooth.server.jobs.runner import JobRunner

log = logging.getLogger("voxbooth.server.jobs")


class JobCancelled(Exception):
    """Raised by a handler that saw `ctx.cancelled()`."""


class PermanentJobError(Exception):
    """A failure that another attempt cannot fix (bad input); the detail is shown to the user."""


Handler = Callable[["JobContext"], None]
ProgressHook = Callable[[Session, Job, float, str | None], None]
FailedHook = Callable[[Session, Job, str], None]
CancelledHook = Callable[[Session, Job], None]


@dataclass
class JobKind:
    handler: Handler
    on_progress: ProgressHook | None = None
    on_failed: FailedHook | None = None
    on_cancelled: CancelledHook | None = None


@dataclass
class JobContext:
    job_id: str
    kind: str
    payload: dict[str, Any]
    attempt: int
    session: Session
    services: dict[str, Any]
    _runner: JobRunner = field(repr=False)

    # Blobs this attempt wrote, and old blobs it replaces: the runner deletes the first if the
    # attempt's results are not committed, and the second only once they are.
    _written: list[str] = field(default_factory=list, repr=False)
    _replaced: list[str] = field(default_factory=list, repr=False)

    @property
    def blobs(self) -> Any:
        return self.services.get("blobs")

    def store_file(self, path: Path) -> str:
        """Moves `path` into the blob store; the blob goes again unless the job's results land."""
        key: str = self.blobs.put_file(path)
        self._written.append(key)
        return key

    def store_bytes(self, data: bytes) -> str:
        """`store_file` for bytes in memory."""
        key: str = self.blobs.put_bytes(data)
        self._written.append(key)
        return key

    def delete_when_done(self, key: str | None) -> None:
        """Deletes blob `key` once the job's results are committed (it is being replaced)."""
        if key:
            self._replaced.append(key)

    def _discard(self, keys: list[str]) -> None:
        for key in keys:
            try:
                self.blobs.delete(key)
            except Exception:  # a leftover blob is better than a job that cannot settle
                log.exception("could not delete blob %s", key)
        keys.clear()

    def progress(self, fraction: float, stage: str | None = None) -> None:
        self._runner.record_progress(self.job_id, self.kind, self.attempt, fraction, stage)

    def cancelled(self) -> bool:
        return self._runner.should_stop(self.job_id, self.attempt)
