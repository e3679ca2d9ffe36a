from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from voxbooth.api.models import AccentSample
from voxbooth.api.progress import Cancel, ProgressCallback
from voxbooth.api.resources.base import Resource
from voxbooth.api.transfers import download_to_file


class Accents(Resource):
    """`/api/v2/accents`: playable samples of a voice's accents."""

    def samples(self, accent_id: str) -> list[AccentSample]:
        data: Any = self._get("/api/v2/accents/samples", accent_id=accent_id)
        if isinstance(data, dict) and "samples" in data:
            data = data["samples"]
        if isinstance(data, dict):  # a single sample object
            data = [data]
        return self._parse_list(AccentSample, data)

    def download_sample(
        self,
        sample: AccentSample,
        dest: str | os.PathLike[str],
        *,
        on_progress: ProgressCallback | None = None,
        cancel: Cancel = None,
    ) -> Path:
        """Saves an accent sample's audio (from its `url`) to `dest` (a file or a directory)."""
        url = sample.url or f"/api/v2/accents/samples/{sample.id}/file"
        return download_to_file(self._core, url, dest, on_progress=on_progress, cancel=cancel)
