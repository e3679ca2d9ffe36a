from __future__ import annotations

from typing import Any

from voxbooth.api.models import AccentSample
from voxbooth.api.resources.base import Resource


class Accents(Resource):
    """`/api/v2/accents`: playable samples of a voice's accents."""

    def samples(self, accent_id: str) -> list[AccentSample]:
        data: Any = self._get("/api/v2/accents/samples", accent_id=accent_id)
        if isinstance(data, dict) and "samples" in data:
            data = data["samples"]
        if isinstance(data, dict):  # a single sample object
            data = [data]
        return self._parse_list(AccentSample, data)
