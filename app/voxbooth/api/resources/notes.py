from __future__ import annotations

from voxbooth.api.models import Note
from voxbooth.api.resources.base import Resource


class Notes(Resource):
    """`/api/notes`: the artist's note on a recording (one per recording)."""

    def create(self, recording_id: str, text: str, *,
               idempotency_key: str | None = None) -> Note:
        data = self._post("/api/notes", {"recording_id": recording_id, "text": text},
                          idempotency_key=idempotency_key)
        return self._parse(Note, data)

    def update(self, recording_id: str, text: str) -> Note:
        data = self._core.request_json("PUT", "/api/notes",
                                       json={"recording_id": recording_id, "text": text})
        return self._parse(Note, data)

    def delete(self, recording_id: str) -> Note:
        data = self._core.request_json("DELETE", "/api/notes",
                                       json={"recording_id": recording_id})
        return self._parse(Note, data)
