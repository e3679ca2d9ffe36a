"""Blocking order, retry and TTS calls on `voxbooth.api` (run them in workers)."""

from __future__ import annotations

from typing import Any

from voxbooth.studio.entities import TakeInfo, TtsVoiceInfo
from voxbooth.studio.service.backend import StudioBackend


def place_orders(backend: StudioBackend, original_ids: list[str],
                 conversions: list[dict[str, Any]] | list[str], *,
                 idempotency_key: str | None = None,
                 noise_reduction: bool = False) -> list[TakeInfo]:
    """One order per original, each converting into every requested voice (from a copy of the
    original cleaned of background noise when `noise_reduction`).

    `idempotency_key`: one for this whole order (the same each time the artist sends exactly
    it again); each original's order goes with its own key made from it, so sending the order
    again after a failure half-way makes only what is missing, never a second conversion."""
    made: list[TakeInfo] = []
    create = backend.client.orders.create
    for original_id in original_ids:
        key = f"{idempotency_key}:{original_id}" if idempotency_key else None
        made += [TakeInfo.from_api(r) for r in create(
            original_id, conversions, idempotency_key=key, noise_reduction=noise_reduction)]
    return made


def retry(backend: StudioBackend, take_ids: list[str]) -> list[TakeInfo]:
    fresh: list[TakeInfo] = []
    for take_id in take_ids:
        fresh += [TakeInfo.from_api(r) for r in backend.client.orders.retry(take_id)]
    return fresh


def tts_voices(backend: StudioBackend) -> list[TtsVoiceInfo]:
    """The voices the service speaks text with, in its order (its natural voice first)."""
    return [TtsVoiceInfo(str(v.id), v.name or str(v.id), (v.language or "").lower(),
                         bool(v.is_default)) for v in backend.client.tts.voices()]


def make_tts(backend: StudioBackend, folder_id: str, text: str, language: str | None,
             label: str | None, voice_id: str | None = None) -> TakeInfo:
    """An original spoken from `text`: by the voice the service picks for the language, or by
    `voice_id` (the seed's TTS route that names a voice, which wants the folder's project)."""
    client = backend.client
    if voice_id:
        project_id = str(client.folders.get(folder_id).project_id)
        return TakeInfo.from_api(client.recordings.create_tts_v1(
            project_id=project_id, parent_folder_id=folder_id, voice_id=voice_id, text=text,
            label=label))
    return TakeInfo.from_api(client.tts.create(folder_id, text, text_language=language,
                                               label=label))
