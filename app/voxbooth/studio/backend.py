"""The studio's one door to the service: blocking calls on `voxbooth.api`, run in workers.

Each method is what a user does (list a folder's takes, upload a file, star a take) and returns
the studio's own small records (`entities.py`), so widgets never depend on the client's models.
Every method blocks: call it through `TaskRunner.run`, never on the GUI thread.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from voxbooth.studio.entities import FolderInfo, ProjectInfo, TakeInfo

Progress = Callable[[int, int], None] | None
PAGE_SIZE = 500
#: the service's clock and ours may differ (a remote server): a take it stored this much before
#: a lost upload began still counts as that upload's
CLOCK_SLACK = timedelta(minutes=10)
SEARCH_PAGE = 100
SEARCH_TAKES = 500  # newest first: a lost upload is among the latest takes of its folder


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _accepts(fn: Callable[..., object], name: str) -> bool:
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def _all(page_fn: Callable[..., Any], **params: Any) -> list[Any]:
    """Every item of a paginated list, fetched in large pages."""
    items: list[Any] = []
    offset = 0
    while True:
        page = page_fn(limit=PAGE_SIZE, offset=offset, **params)
        batch = list(page.items)
        items.extend(batch)
        total = getattr(getattr(page, "pagination", None), "count", None)
        offset += len(batch)
        if not batch or len(batch) < PAGE_SIZE or (total is not None and offset >= total):
            return items


class StudioBackend:
    """Wraps one `VoxBoothClient` (a base URL and credentials)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    @classmethod
    def connect(cls, base_url: str, api_key: str | None = None) -> StudioBackend:
        from voxbooth.api import VoxBoothClient

        return cls(VoxBoothClient(base_url, api_key=api_key))

    @classmethod
    def login(cls, base_url: str, email: str, password: str) -> StudioBackend:
        from voxbooth.api import VoxBoothClient

        client = VoxBoothClient(base_url)
        client.login(email, password)
        return cls(client)

    def close(self) -> None:
        close = getattr(self.client, "close", None)
        if close is not None:
            close()

    # -- projects and folders -------------------------------------------------------------------
    def list_projects(self) -> list[ProjectInfo]:
        return [ProjectInfo.from_api(p) for p in _all(self.client.projects.list)]

    def create_project(self, name: str) -> ProjectInfo:
        return ProjectInfo.from_api(self.client.projects.create(name))

    def rename_project(self, project_id: str, name: str) -> ProjectInfo:
        return ProjectInfo.from_api(self.client.projects.rename(project_id, name))

    def delete_project(self, project_id: str) -> str:
        self.client.projects.delete(project_id)
        return project_id

    def list_folders(self, project_id: str) -> list[FolderInfo]:
        return [FolderInfo.from_api(f)
                for f in _all(self.client.folders.list, project_id=project_id)]

    def create_folder(self, project_id: str, name: str, parent_id: str | None) -> FolderInfo:
        return FolderInfo.from_api(self.client.folders.create(project_id, name,
                                                              parent_id=parent_id))

    def rename_folder(self, folder_id: str, name: str) -> FolderInfo:
        return FolderInfo.from_api(self.client.folders.rename(folder_id, name))

    def delete_folder(self, folder_id: str) -> str:
        self.client.folders.delete(folder_id)
        return folder_id

    # -- takes ----------------------------------------------------------------------------------
    def list_takes(self, folder_id: str) -> list[TakeInfo]:
        """A folder's originals and all their conversions."""
        takes = [TakeInfo.from_api(r)
                 for r in _all(self.client.recordings.list, folder_id=folder_id)]
        originals = {t.id for t in takes if not t.is_conversion}
        have_conversions = {t.original_id for t in takes if t.is_conversion}
        if not have_conversions and originals and len(originals) <= 200:
            # a service that lists only originals per folder: ask for each one's conversions
            for original_id in originals:
                takes.extend(self.list_conversions(original_id))
        return takes

    def list_conversions(self, original_id: str) -> list[TakeInfo]:
        return [TakeInfo.from_api(r)
                for r in _all(self.client.recordings.conversions, original_id=original_id)]

    def get_take(self, take_id: str) -> TakeInfo:
        return TakeInfo.from_api(self.client.recordings.get(take_id))

    def upload(self, path: Path, folder_id: str, *, label: str | None = None,
               progress: Progress = None, cancel: threading.Event | None = None,
               idempotency_key: str | None = None) -> TakeInfo:
        """`idempotency_key`: the same for every attempt of one upload, so a service that
        stored an attempt whose answer was lost answers the next with that take."""
        upload = self.client.recordings.upload
        extra: dict[str, Any] = {}
        # TEMPORARY (house, until `idem` merges): the client's upload takes the key once the
        # idempotent creates land; before, the outbox's look-up alone keeps uploads single
        if idempotency_key is not None and _accepts(upload, "idempotency_key"):
            extra["idempotency_key"] = idempotency_key
        recording = upload(
            path, folder_id=folder_id, label=label or path.stem, microphone="file",
            on_progress=progress, cancel=cancel.is_set if cancel is not None else None, **extra)
        return TakeInfo.from_api(recording)

    def find_upload(self, folder_id: str, label: str, size_bytes: int,
                    since: datetime) -> TakeInfo | None:
        """The original the service kept from an upload whose answer was lost (same folder,
        label and size, stored after `since` less the clock slack), if any."""
        earliest = _utc(since) - CLOCK_SLACK
        recordings = self.client.recordings.iter(folder_id=folder_id, direction="desc")
        for seen, recording in enumerate(recordings):
            take = TakeInfo.from_api(recording)
            if take.created_at is not None and _utc(take.created_at) < earliest:
                return None  # newest first: the rest is older still
            if (not take.is_conversion and take.label == label
                    and take.size_bytes == size_bytes):
                return take
            if seen + 1 >= SEARCH_TAKES:
                return None
        return None

    def update_take(self, take_id: str, **fields: Any) -> TakeInfo:
        """label=, starred=, parent_folder_id= (moving an original to another folder)."""
        return TakeInfo.from_api(self.client.recordings.update(take_id, **fields))

    def set_note(self, take: TakeInfo, text: str) -> TakeInfo:
        notes = self.client.notes
        if not text:
            if take.note:
                notes.delete(take.id)
        elif take.note:
            notes.update(take.id, text)
        else:
            notes.create(take.id, text)
        return self.get_take(take.id)

    def delete_take(self, take_id: str) -> str:
        self.client.recordings.delete(take_id)
        return take_id

    def retry(self, take_id: str) -> list[TakeInfo]:
        return [TakeInfo.from_api(r) for r in self.client.orders.retry(take_id)]

    def order(self, original_id: str, voice_ids: list[str]) -> list[TakeInfo]:
        return [TakeInfo.from_api(r) for r in self.client.orders.create(original_id, voice_ids)]

    def first_voice_ids(self, count: int) -> list[str]:
        return [str(v.id) for v in self.client.voices.list(limit=count).items][:count]

    def download_audio(self, take_id: str, dest: Path, *, progress: Progress = None,
                       cancel: threading.Event | None = None) -> Path:
        return Path(self.client.recordings.download(
            take_id, dest, on_progress=progress,
            cancel=cancel.is_set if cancel is not None else None))

    # -- export and figures -------------------------------------------------------------------
    def export_project(self, project_id: str, dest: Path, *, progress: Progress = None,
                       cancel: threading.Event | None = None) -> Path:
        return Path(self.client.projects.export(
            project_id, dest, on_progress=progress,
            cancel=cancel.is_set if cancel is not None else None))

    def export_original(self, original_id: str, dest: Path, *, progress: Progress = None,
                        cancel: threading.Event | None = None) -> Path:
        return Path(self.client.recordings.export(
            original_id, dest, on_progress=progress,
            cancel=cancel.is_set if cancel is not None else None))

    def stats(self) -> Any:
        return self.client.stats.account()

    def credits(self) -> Any:
        return self.client.credits.get()

    def health(self) -> bool:
        health = getattr(self.client, "health", None)
        if health is None:
            return True
        health()
        return True
