from __future__ import annotations

import builtins
from collections.abc import Iterator
from typing import Any, Literal

from voxbooth.api.errors import NotFound
from voxbooth.api.models import Page, Voice
from voxbooth.api.pagination import iter_all
from voxbooth.api.resources.base import Resource

VoiceSort = Literal["name", "pitch", "rating", "created_at"]


class Voices(Resource):
    """`/api/v2/voices`: the voice library (catalogue and the artist's private voices)."""

    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        sort: VoiceSort | None = None,
        direction: Literal["asc", "desc"] | None = None,
        visibility: str | None = None,
        species: str | None = None,
        gender: str | None = None,
        age_group: str | None = None,
        pitch_group: str | None = None,
        nationality: str | None = None,
    ) -> Page[Voice]:
        data = self._get("/api/v2/voices", limit=limit, offset=offset, sort=sort,
                         direction=direction, visibility=visibility, species=species,
                         gender=gender, age_group=age_group, pitch_group=pitch_group,
                         nationality=nationality)
        return self._parse_page(Voice, data)

    def iter(self, **params: Any) -> Iterator[Voice]:
        return iter_all(self.list, **params)

    def search(self, name: str, *, limit: int | None = None) -> builtins.list[Voice]:
        return self._parse_list(Voice, self._get("/api/v2/voices/search", name=name,
                                                 limit=limit))

    def find(self, name: str) -> Voice:
        """The voice called `name` (case-insensitive exact match); NotFound otherwise."""
        wanted = name.casefold()
        for voice in self.search(name):
            if voice.name.casefold() == wanted or (voice.slug or "").casefold() == wanted:
                return voice
        raise NotFound(f"no voice named {name!r}", status=404, detail=f"No voice named {name!r}")

    def favorite(self, voice_id: str, *, idempotency_key: str | None = None) -> Voice:
        """Toggles the voice as a favourite; returns the voice with its new `favorite`
        (a retried toggle toggles once: it goes with an Idempotency-Key)."""
        data = self._post(f"/api/v2/voices/favorite/{voice_id}",
                          idempotency_key=idempotency_key)
        return self._parse(Voice, data)

    def settings(
        self,
        voice_id: str,
        *,
        narration_style_id: str | None = None,
        accent_id: str | None = None,
        semitones_correction: float | None = None,
    ) -> Voice:
        """Marks an accent or narration style as favourite, or saves an accent's semitones."""
        body = {"voice_id": voice_id, "narration_style_id": narration_style_id,
                "accent_id": accent_id, "semitones_correction": semitones_correction}
        data = self._post("/api/v2/voices/settings",
                          {k: v for k, v in body.items() if v is not None})
        return self._parse(Voice, data)
