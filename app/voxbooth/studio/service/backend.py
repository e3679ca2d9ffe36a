"""The studio's one door to the service: blocking calls on the typed `VoxBoothClient`, run in
workers. The calls of the voices, orders and calibration rooms live beside it in this package
(`voices.py`, `orders.py`, `calibrations.py`), each taking a `StudioBackend`.

Each method is what a user does (list a folder's takes, upload a file, star a take) and returns
the studio's own small records (`entities.py`), so widgets never depend on the client's models.
Every method blocks: call it through `TaskRunner.run`, never on the GUI thread.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from voxbooth.studio.entities import FolderInfo, ProjectInfo, TakeInfo
from voxbooth.studio.service.rules import ServiceRules

if TYPE_CHECKING:
    from voxbooth.api import VoxBoothClient
    from voxbooth.api.models import AccountStats
    from voxbooth.api.models import Credits as CreditsModel

Progress = Callable[[int, int], None] | None
PAGE_SIZE = 500
#: the service's clock and ours may differ (a remote server): a take it stored this much before
#: a lost upload began still counts as that upload's
CLOCK_SLACK = timedelta(minutes=10)
SEARCH_PAGE = 100
SEARCH_TAKES = 500  # newest first: a lost upload is among the latest takes of its folder


F = TypeVar("F", bound=Callable[..., Any])


def creates(method: F) -> F:
    """Marks a call that makes something on the service: replayed only with its key."""
    method.__dict__["creates"] = True
    return method


def is_create(method: Callable[..., Any]) -> bool:
    return bool(getattr(method, "creates", False))


def new_key() -> str:
    """A fresh idempotency key for one create, kept with it across its replays."""
    return uuid.uuid4().hex


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)





class StudioBackend:
    """Wraps one `VoxBoothClient` (a base URL and credentials)."""

    def __init__(self, client: VoxBoothClient) -> None:
        self.client = client
        #: the service's rules, asked for once the connection is made (`fetch_rules`)
        self.rules: ServiceRules | None = None

    def fetch_rules(self) -> ServiceRules:
        """Worker: asks the service for its limits and keeps them (`rules`)."""
        self.rules = ServiceRules.from_limits(self.client.limits.get())
        return self.rules

    def quote(self, original_ids: list[str], voice_ids: list[str]) -> int:
        """Credits the service would charge for ordering each original in each voice, by the
        rule it charges with (`POST /api/v2/orders/quote`)."""
        quote = self.client.orders.quote
        return sum(int(quote(original_id, voice_ids).credits) for original_id in original_ids)

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
        self.client.close()

    # -- projects and folders -------------------------------------------------------------------
    def list_projects(self) -> list[ProjectInfo]:
        return [ProjectInfo.from_api(p) for p in self.client.projects.iter(page_size=PAGE_SIZE)]

    @creates
    def create_project(self, name: str, *, idempotency_key: str | None = None) -> ProjectInfo:
        create = self.client.projects.create
        return ProjectInfo.from_api(create(name, idempotency_key=idempotency_key))

    def rename_project(self, project_id: str, name: str) -> ProjectInfo:
        return ProjectInfo.from_api(self.client.projects.rename(project_id, name))

    def delete_project(self, project_id: str) -> str:
        self.client.projects.delete(project_id)
        return project_id

    def list_folders(self, project_id: str) -> list[FolderInfo]:
        return [FolderInfo.from_api(f)
                for f in self.client.folders.iter(project_id, page_size=PAGE_SIZE)]

    @creates
    def create_folder(self, project_id: str, name: str, parent_id: str | None, *,
                      idempotency_key: str | None = None) -> FolderInfo:
        create = self.client.folders.create
        return FolderInfo.from_api(create(project_id, name, parent_id=parent_id,
                                          idempotency_key=idempotency_key))

    def rename_folder(self, folder_id: str, name: str) -> FolderInfo:
        return FolderInfo.from_api(self.client.folders.rename(folder_id, name))

    def delete_folder(self, folder_id: str) -> str:
        self.client.folders.delete(folder_id)
        return folder_id

    # -- takes ----------------------------------------------------------------------------------
    def list_takes(self, folder_id: str) -> list[TakeInfo]:
        """A folder's originals and all their conversions."""
        takes = [TakeInfo.from_api(r)
                 for r in self.client.recordings.iter(folder_id=folder_id, page_size=PAGE_SIZE)]
        originals = {t.id for t in takes if not t.is_conversion}
        have_conversions = {t.original_id for t in takes if t.is_conversion}
        if not have_conversions and originals and len(originals) <= 200:
            # a service that lists only originals per folder: ask for each one's conversions
            for original_id in originals:
                takes.extend(self.list_conversions(original_id))
        return takes

    def list_conversions(self, original_id: str) -> list[TakeInfo]:
        from voxbooth.api import iter_all

        pages = partial(self.client.recordings.conversions, original_id)
        return [TakeInfo.from_api(r) for r in iter_all(pages, page_size=PAGE_SIZE)]

    def get_take(self, take_id: str) -> TakeInfo:
        return TakeInfo.from_api(self.client.recordings.get(take_id))

    def upload(self, path: Path, folder_id: str, *, label: str | None = None,
               progress: Progress = None, cancel: threading.Event | None = None,
               idempotency_key: str | None = None, text: str | None = None) -> TakeInfo:
        """`idempotency_key`: the same for every attempt of one upload, so a service that
        stored an attempt whose answer was lost answers the next with that take. `text`: the
        script line the take reads, which the service proofs its transcript against."""
        upload = self.client.recordings.upload
        recording = upload(
            path, folder_id=folder_id, label=label or path.stem, microphone="file",
            on_progress=progress, cancel=cancel.is_set if cancel is not None else None,
            idempotency_key=idempotency_key, text=text or None)
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

    @creates
    def set_note(self, take: TakeInfo, text: str, *,
                 idempotency_key: str | None = None) -> TakeInfo:
        notes = self.client.notes
        if not text:
            if take.note:
                notes.delete(take.id)
        elif take.note:
            notes.update(take.id, text)
        else:
            notes.create(take.id, text, idempotency_key=idempotency_key)
        return self.get_take(take.id)

    def delete_take(self, take_id: str) -> str:
        self.client.recordings.delete(take_id)
        return take_id

    @creates
    def retry(self, take_id: str) -> list[TakeInfo]:
        return [TakeInfo.from_api(r) for r in self.client.orders.retry(take_id)]

    @creates
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
                       cancel: threading.Event | None = None, name_template: str | None = None,
                       audio_format: str | None = None) -> Path:
        return Path(self.client.projects.export(
            project_id, dest, name_template=name_template, audio_format=audio_format,
            on_progress=progress,
            cancel=cancel.is_set if cancel is not None else None))

    def export_original(self, original_id: str, dest: Path, *, progress: Progress = None,
                        cancel: threading.Event | None = None, name_template: str | None = None,
                        audio_format: str | None = None) -> Path:
        return Path(self.client.recordings.export(
            original_id, dest, name_template=name_template, audio_format=audio_format,
            on_progress=progress,
            cancel=cancel.is_set if cancel is not None else None))

    def stats(self) -> AccountStats:
        return self.client.stats.account()

    def credits(self) -> CreditsModel:
        return self.client.credits.get()

    def health(self) -> bool:
        self.client.health()
        return True

    def probe(self, timeout_s: float) -> float:
        """Seconds the health check took to answer; raises (unreachable) when no answer came
        within `timeout_s`. Tried once: the connection counts silences itself."""
        started_s = time.monotonic()
        self.client.request("GET", "/api/health", timeout=timeout_s, retryable=False)
        return time.monotonic() - started_s

    def fetch_bytes(self, url: str) -> bytes:
        """A file the service links to (portrait, accent sample), with the client's
        credentials."""
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return bytes(self.client.request("GET", path).content)


def login_for_key(url: str, email: str, password: str) -> str:
    """Worker thread: logs in and makes an API key for this studio, so no password is kept."""
    from voxbooth.api import VoxBoothClient

    with VoxBoothClient(url) as client:
        client.login(email, password)
        return client.create_api_key()
