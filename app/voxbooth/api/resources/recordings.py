from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

from voxbooth.api.models import Page, Recording, Transcript, Waveform
from voxbooth.api.pagination import iter_all
from voxbooth.api.progress import Cancel, ProgressCallback
from voxbooth.api.resources.base import Resource
from voxbooth.api.transfers import download_to_file, upload_file
from voxbooth.api.waiting import wait_until

Direction = Literal["asc", "desc"]


class Recordings(Resource):
    """`/api/recordings`: takes (originals) and their conversions."""

    def list(
        self,
        *,
        project_id: str | None = None,
        folder_id: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        direction: Direction | None = None,
        q: str | None = None,
    ) -> Page[Recording]:
        """`q` keeps the takes whose label or transcript holds those words."""
        data = self._get("/api/recordings", project_id=project_id, folder_id=folder_id,
                         limit=limit, offset=offset, direction=direction, q=q)
        return self._parse_page(Recording, data)

    def iter(self, **params: Any) -> Iterator[Recording]:
        return iter_all(self.list, **params)

    def originals(self, folder_id: str, *, limit: int | None = None,
                  offset: int | None = None, direction: Direction | None = None
                  ) -> Page[Recording]:
        data = self._get("/api/recordings/originals", folder_id=folder_id, limit=limit,
                         offset=offset, direction=direction)
        return self._parse_page(Recording, data)

    def conversions(self, original_id: str, *, limit: int | None = None,
                    offset: int | None = None, direction: Direction | None = None
                    ) -> Page[Recording]:
        data = self._get("/api/recordings/conversions", original_id=original_id, limit=limit,
                         offset=offset, direction=direction)
        return self._parse_page(Recording, data)

    def get(self, recording_id: str) -> Recording:
        return self._parse(Recording, self._get(f"/api/recordings/{recording_id}"))

    def upload(
        self,
        file: str | os.PathLike[str],
        *,
        folder_id: str,
        label: str | None = None,
        microphone: str = "file",
        on_progress: ProgressCallback | None = None,
        cancel: Cancel = None,
        filename: str | None = None,
        text: str | None = None,
        language: str | None = None,
        idempotency_key: str | None = None,
    ) -> Recording:
        """Uploads an audio file as a new original, streamed from disk.

        `text` is the script line the take reads (its transcript is proofed against it),
        `language` its ISO 639-1 code (else the script's, else heard).

        `on_progress(sent_bytes, total_bytes)` runs on the calling thread after each chunk
        (from 0 again when an attempt is retried); `cancel` (a CancelToken or any callable)
        stops between chunks, raising `Cancelled`, and the service keeps nothing of the
        aborted upload. Retried after a lost answer or a 5xx/429 under one Idempotency-Key
        (`idempotency_key`, else a fresh one): one take however many attempts arrive.
        """
        data = upload_file(
            self._core, "/api/recordings", file, file_field="data",
            fields={"parent_folder_id": folder_id, "microphone": microphone, "label": label,
                    "text": text, "language": language},
            on_progress=on_progress, cancel=cancel, filename=filename,
            idempotency_key=idempotency_key,
        )
        return self._parse(Recording, data)

    def create_tts_v1(self, *, project_id: str, parent_folder_id: str, voice_id: str, text: str,
                      label: str | None = None, idempotency_key: str | None = None
                      ) -> Recording:
        """The deprecated `POST /api/recordings/tts`; prefer `client.tts.create`."""
        body = {"project_id": project_id, "parent_folder_id": parent_folder_id,
                "voice_id": voice_id, "text": text, "label": label}
        data = self._post("/api/recordings/tts",
                          {k: v for k, v in body.items() if v is not None},
                          idempotency_key=idempotency_key)
        return self._parse(Recording, data)

    def update(self, recording_id: str, **fields: Any) -> Recording:
        """PATCH: change only the given fields (label, starred, parent_folder_id, ...)."""
        data = self._core.request_json("PATCH", f"/api/recordings/{recording_id}", json=fields)
        return self._parse(Recording, data)

    def replace(self, recording_id: str, **fields: Any) -> Recording:
        """PUT: like `update`, but the server requires every updatable field."""
        data = self._core.request_json("PUT", f"/api/recordings/{recording_id}", json=fields)
        return self._parse(Recording, data)

    def delete(self, recording_id: str) -> None:
        self._core.request_json("DELETE", f"/api/recordings/{recording_id}")

    def download(
        self,
        recording_id: str,
        dest: str | os.PathLike[str],
        *,
        format: str | None = None,
        on_progress: ProgressCallback | None = None,
        cancel: Cancel = None,
    ) -> Path:
        """Saves the recording's audio (`GET /api/recordings/{id}/file`, WAV unless `format`)."""
        return download_to_file(self._core, f"/api/recordings/{recording_id}/file", dest,
                                params={"format": format}, on_progress=on_progress,
                                cancel=cancel)

    def waveform(
        self,
        recording: str | Recording,
        *,
        level: int | None = None,
        samples_per_pixel: float | None = None,
        start_frame: int | None = None,
        end_frame: int | None = None,
        timeout_s: float = 30.0,
        poll_s: float = 0.2,
    ) -> Waveform:
        """Min/max peaks for drawing: the overview level, or the one picked by `level` (index
        into `.levels`) or `samples_per_pixel`, optionally only `start_frame..end_frame`.

        The service computes peaks after an upload and answers 202 until they are ready;
        this waits for them up to `timeout_s`.
        """
        if isinstance(recording, Recording):
            url = recording.waveform_url or f"/api/recordings/{recording.id}/waveform"
        else:
            url = f"/api/recordings/{recording}/waveform"
        params = {"level": level, "samples_per_pixel": samples_per_pixel,
                  "start_frame": start_frame, "end_frame": end_frame}
        response = wait_until(lambda: self._core.send("GET", url, params=params),
                              lambda r: r.status_code != 202, what="waveform peaks",
                              timeout_s=timeout_s, poll_s=poll_s)
        return self._parse(Waveform, response.json())

    def export(
        self,
        original_id: str,
        dest: str | os.PathLike[str],
        *,
        starred_only: bool | None = None,
        on_progress: ProgressCallback | None = None,
        cancel: Cancel = None,
    ) -> Path:
        """Saves a zip of an original's conversions (with manifest.json) to `dest`."""
        return download_to_file(self._core, "/api/recordings/export", dest,
                                params={"original_id": original_id, "starred_only": starred_only},
                                on_progress=on_progress, cancel=cancel)

    def wait_for_conversion(
        self,
        recording_id: str,
        *,
        timeout_s: float = 600.0,
        poll_s: float = 1.0,
        on_progress: Callable[[Recording], None] | None = None,
        cancel: Cancel = None,
    ) -> Recording:
        """Polls a conversion until `done` or `error` and returns it in that state.

        Raises `WaitTimedOut` (a `Timeout`) after `timeout_s`; `on_progress` sees each poll
        (`state`, `process_stage`, `progress`).
        """
        return wait_until(lambda: self.get(recording_id), lambda r: r.is_final,
                          what=f"conversion {recording_id}", timeout_s=timeout_s, poll_s=poll_s,
                          on_progress=on_progress, cancel=cancel)

    def transcript(self, recording_id: str) -> Transcript:
        """What was heard in a take, with word times, and its missed/added/changed words."""
        return self._parse(Transcript, self._get(f"/api/recordings/{recording_id}/transcript"))

    def wait_for_transcript(
        self,
        recording_id: str,
        *,
        timeout_s: float = 120.0,
        poll_s: float = 0.5,
        cancel: Cancel = None,
    ) -> Transcript:
        """Polls a take's transcript until `done`, `error` or `unavailable`."""
        return wait_until(lambda: self.transcript(recording_id), lambda t: t.is_final,
                          what=f"transcript of {recording_id}", timeout_s=timeout_s,
                          poll_s=poll_s, cancel=cancel)

    def clean(self, recording_id: str, *, idempotency_key: str | None = None) -> Recording:
        """Starts cleaning a take's background noise into a new take beside it (the take is
        kept); returns the new take, `processing` — wait for it with `wait_for_conversion`.
        The take's `params["suggest_noise_reduction"]` says when it is worth it."""
        data = self._post(f"/api/recordings/{recording_id}/noise-reduction",
                          idempotency_key=idempotency_key)
        return self._parse(Recording, data)
