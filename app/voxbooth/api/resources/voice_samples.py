"""Voice cloning in the manner of seed 000: a private voice, then samples uploaded to it.

When its samples are processed the private voice is listed by
`client.voices.list(visibility="private")` and can be ordered like any other voice.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from voxbooth.api.models import PrivateVoice, VoiceSample
from voxbooth.api.progress import Cancel, ProgressCallback
from voxbooth.api.resources.base import Resource
from voxbooth.api.transfers import upload_file
from voxbooth.api.waiting import wait_until

PRIVATE_VOICES = "/api/v2/private-voices"


class PrivateVoices(Resource):
    def create(self, name: str, *, description: str | None = None,
               idempotency_key: str | None = None) -> PrivateVoice:
        body = {"name": name, **({"description": description} if description else {})}
        return self._parse(PrivateVoice, self._post(PRIVATE_VOICES, body,
                                                    idempotency_key=idempotency_key))

    def list(self) -> list[PrivateVoice]:
        return self._parse_list(PrivateVoice, self._get(PRIVATE_VOICES))

    def get(self, voice_id: str) -> PrivateVoice:
        return self._parse(PrivateVoice, self._get(f"{PRIVATE_VOICES}/{voice_id}"))

    def delete(self, voice_id: str) -> None:
        self._core.request_json("DELETE", f"{PRIVATE_VOICES}/{voice_id}")

    def wait_until_ready(self, voice_id: str, *, timeout_s: float = 600.0, poll_s: float = 1.0,
                         on_progress: Callable[[PrivateVoice], None] | None = None,
                         cancel: Cancel = None) -> PrivateVoice:
        return wait_until(lambda: self.get(voice_id),
                          lambda v: v.is_final,
                          what=f"private voice {voice_id}", timeout_s=timeout_s, poll_s=poll_s,
                          on_progress=on_progress, cancel=cancel)


class VoiceSamples(Resource):
    def upload(
        self,
        voice_id: str,
        file: str | os.PathLike[str],
        *,
        name: str | None = None,
        description: str | None = None,
        tags: Sequence[str] | str | None = None,
        on_progress: ProgressCallback | None = None,
        cancel: Cancel = None,
        idempotency_key: str | None = None,
    ) -> VoiceSample:
        """Seed 000's upload: multipart `file` plus name, description and comma-joined tags."""
        tag_text = tags if isinstance(tags, str) or tags is None else ",".join(tags)
        data = upload_file(
            self._core, f"{PRIVATE_VOICES}/{voice_id}/voice-samples/upload", file,
            file_field="file", fields={"name": name, "description": description,
                                       "tags": tag_text},
            on_progress=on_progress, cancel=cancel, idempotency_key=idempotency_key,
        )
        # 000 answers {"success": true, "voice_sample": {...}}
        if isinstance(data, dict) and isinstance(data.get("voice_sample"), dict):
            data = data["voice_sample"]
        return self._parse(VoiceSample, data)

    def list(self, voice_id: str) -> list[VoiceSample]:
        data = self._get(f"{PRIVATE_VOICES}/{voice_id}/voice-samples")
        return self._parse_list(VoiceSample, data)

    def delete(self, voice_id: str, sample_id: str) -> None:
        self._core.request_json("DELETE", f"{PRIVATE_VOICES}/{voice_id}/voice-samples/{sample_id}")
