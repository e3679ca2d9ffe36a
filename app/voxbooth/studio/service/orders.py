"""Blocking order, retry and TTS calls on `voxbooth.api` (run them in workers)."""

from __future__ import annotations

from typing import Any

from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.service.backend import StudioBackend


def place_orders(backend: StudioBackend, original_ids: list[str],
                 conversions: list[dict[str, Any]] | list[str], *,
                 idempotency_key: str | None = None) -> list[TakeInfo]:
    """One order per original, each converting into every requested voice.

    `idempotency_key`: one for this whole order (the same each time the artist sends exactly
    it again); each original's order goes with its own key made from it, so sending the order
    again after a failure half-way makes only what is missing, never a second conversion."""
    made: list[TakeInfo] = []
    for original_id in original_ids:
        key = f"{idempotency_key}:{original_id}" if idempotency_key else None
        made += [TakeInfo.from_api(r) for r in backend.client.orders.create(
            original_id, conversions, idempotency_key=key)]
    return made


def retry(backend: StudioBackend, take_ids: list[str]) -> list[TakeInfo]:
    fresh: list[TakeInfo] = []
    for take_id in take_ids:
        fresh += [TakeInfo.from_api(r) for r in backend.client.orders.retry(take_id)]
    return fresh


def make_tts(backend: StudioBackend, folder_id: str, text: str, language: str | None,
             label: str | None) -> TakeInfo:
    return TakeInfo.from_api(backend.client.tts.create(folder_id, text, text_language=language,
                                                       label=label))
