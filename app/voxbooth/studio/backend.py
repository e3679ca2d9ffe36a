"""The studio's one door to the service: blocking calls on `voxbooth.api`, run in workers.

Each method is what a user does (list a folder's takes, upload a file, star a take) and returns
the studio's own small records (`entities.py`), so widgets never depend on the client's models.
Every method blocks: call it through `TaskRunner.run`, never on the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from voxbooth.studio.entities import FolderInfo, ProjectInfo, TakeInfo

Progress = Callable[[int, int], None] | None
PAGE_SIZE = 500


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
               progress: Progress = None, cancel: threading.Event | None = None) -> TakeInfo:
        recording = self.client.recordings.upload(
            path, folder_id=folder_id, label=label or path.stem, microphone="file",
            on_progress=progress, cancel=cancel.is_set if cancel is not None else None)
        return TakeInfo.from_api(recording)

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
