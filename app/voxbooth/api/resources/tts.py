from __future__ import annotations

from voxbooth.api.models import Recording, TtsVoice
from voxbooth.api.resources.base import Resource


class Tts(Resource):
    """Text to speech: make an original from text, then order it like any take."""

    def voices(self) -> list[TtsVoice]:
        return self._parse_list(TtsVoice, self._get("/api/tts-voices"))

    def create(self, parent_folder_id: str, text: str, *, text_language: str | None = None,
               label: str | None = None, idempotency_key: str | None = None) -> Recording:
        """`POST /api/v2/recordings/tts`: language detected by the service when not given."""
        body = {"parent_folder_id": parent_folder_id, "text": text,
                "text_language": text_language, "label": label}
        data = self._post("/api/v2/recordings/tts",
                          {k: v for k, v in body.items() if v is not None},
                          idempotency_key=idempotency_key)
        return self._parse(Recording, data)
