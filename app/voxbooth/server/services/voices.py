"""Voices: the shipped catalogue plus the user's ready private (cloned) voices, with the user's
favourites and semitone settings laid over them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from voxbooth.server.catalogue import Catalogue
from voxbooth.server.db import utcnow
from voxbooth.server.errors import not_found
from voxbooth.server.models import PrivateVoice, VoiceSetting
from voxbooth.server.schemas.common import Direction
from voxbooth.server.schemas.voices import (
    AccentPublic,
    NarrationStylePublic,
    VoicePublic,
    VoiceSettingsUpdate,
    VoiceSort,
)

PRIVATE_PORTRAIT = "cloned-voice"
VOICE, ACCENT, STYLE = "voice", "accent", "narration_style"


@dataclass
class VoiceFilters:
    visibility: str | None = None
    species: str | None = None
    gender: str | None = None
    age_group: str | None = None
    pitch_group: str | None = None
    nationality: str | None = None

    def accepts(self, voice: dict[str, Any]) -> bool:
        for name in ("visibility", "species", "gender", "age_group", "pitch_group"):
            wanted = getattr(self, name)
            if wanted is not None and voice.get(name) != wanted:
                return False
        return self.nationality is None or (
            (voice.get("nationality") or "").casefold() == self.nationality.strip().casefold())


def private_voice_dict(voice: PrivateVoice) -> dict[str, Any]:
    """A ready private voice in the catalogue's shape."""
    tiers = [{"name": "private"}]
    return {
        "id": voice.id, "owner_id": voice.owner_id, "slug": voice.slug, "name": voice.name,
        "species": voice.species, "gender": voice.gender, "age_group": voice.age_group,
        "pitch": voice.pitch, "pitch_group": voice.pitch_group, "nationality": voice.nationality,
        "visibility": "private", "artist": "you", "verified_artist": False,
        "description": voice.description, "rating": 0.0,
        "created_at": voice.created_at.isoformat().replace("+00:00", "Z"),
        "image": f"voices/images/{PRIVATE_PORTRAIT}.svg", "available": voice.state == "ready",
        "accents": [{"id": voice.accent_id, "is_default": True, "native": True,
                     "info": {"name": "Own accent", "short_name": "OWN", "locale": "und"},
                     "tiers": tiers}],
        "narration_styles": [{"id": voice.narration_style_id, "is_default": True,
                              "info": {"name": "Neutral"}}],
        "tiers": tiers,
    }


def all_voices(session: Session, catalogue: Catalogue, user_id: str) -> list[dict[str, Any]]:
    private = session.scalars(select(PrivateVoice).where(
        PrivateVoice.owner_id == user_id, PrivateVoice.state == "ready",
        PrivateVoice.active.is_(True)))
    return [*catalogue.voices, *(private_voice_dict(v) for v in private)]


def find_voice(session: Session, catalogue: Catalogue, user_id: str,
               voice_id: str) -> dict[str, Any]:
    """A catalogue voice or one of the user's private voices (any state), else 404."""
    if voice_id in catalogue.by_id:
        return catalogue.by_id[voice_id]
    private = session.get(PrivateVoice, voice_id)
    if private is None or private.owner_id != user_id or not private.active:
        raise not_found("Voice")
    return private_voice_dict(private)


def _settings(session: Session, user_id: str) -> dict[tuple[str, str], VoiceSetting]:
    rows = session.scalars(select(VoiceSetting).where(VoiceSetting.user_id == user_id))
    return {(row.target_kind, row.target_id): row for row in rows}


class VoicePresenter:
    """Turns voice dicts into the public shape for one user (their settings, absolute URLs)."""

    def __init__(self, session: Session, user_id: str, base_url: str) -> None:
        self.settings = _settings(session, user_id)
        self.base = base_url.rstrip("/")

    def _favorite(self, kind: str, target_id: str) -> bool:
        row = self.settings.get((kind, target_id))
        return bool(row and row.favorite)

    def present(self, voice: dict[str, Any]) -> VoicePublic:
        portrait = str(voice.get("image") or "").rsplit("/", 1)[-1] or f"{PRIVATE_PORTRAIT}.svg"
        image_url = f"{self.base}/api/voices/images/{portrait}"
        available = bool(voice.get("available", True))
        accents = []
        for accent in voice.get("accents", []):
            row = self.settings.get((ACCENT, accent["id"]))
            accents.append(AccentPublic.model_validate({
                **accent, "available": available,
                "settings": {"favorite": bool(row and row.favorite),
                             "semitones_correction": row.semitones_correction if row else 0.0},
            }))
        styles = [NarrationStylePublic.model_validate({
            **style, "settings": {"favorite": self._favorite(STYLE, style["id"])}})
            for style in voice.get("narration_styles", [])]
        return VoicePublic(
            id=voice["id"], owner_id=voice.get("owner_id"), name=voice["name"],
            slug=voice["slug"], visibility=voice["visibility"], species=voice["species"],
            artist=voice.get("artist", ""), verified_artist=bool(voice.get("verified_artist")),
            gender=voice.get("gender"), pitch=voice.get("pitch"),
            age_group=voice.get("age_group"), pitch_group=voice.get("pitch_group"),
            nationality=voice.get("nationality"), image_url=image_url,
            thumbnail_url=f"{image_url}?size=thumbnail",
            description=voice.get("description", ""), rating=float(voice.get("rating") or 0),
            active=True, created_at=str(voice.get("created_at", "")),
            favorite=self._favorite(VOICE, voice["id"]), available=available,
            accents=accents, narration_styles=styles, tiers=voice.get("tiers", []),
        )


def _sort_key(sort: VoiceSort) -> Any:
    if sort is VoiceSort.name:
        return lambda v: (v["name"].casefold(), v["id"])
    if sort is VoiceSort.pitch:
        return lambda v: (float(v.get("pitch") or 0), v["name"].casefold())
    if sort is VoiceSort.rating:
        return lambda v: (float(v.get("rating") or 0), v["name"].casefold())
    # created_at is compared as its ISO text: the catalogue's dates are data, not parsed
    return lambda v: (str(v.get("created_at", "")), v["name"].casefold())


def list_voices(voices: list[dict[str, Any]], filters: VoiceFilters, *, sort: VoiceSort,
                direction: Direction, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    matching = sorted((v for v in voices if filters.accepts(v)), key=_sort_key(sort),
                      reverse=direction is Direction.desc)
    return matching[offset:offset + limit], len(matching)


def search_voices(voices: list[dict[str, Any]], name: str, limit: int) -> list[dict[str, Any]]:
    needle = name.strip().casefold()
    found = [v for v in voices if needle in v["name"].casefold()]
    # names that start with what was typed come first
    found.sort(key=lambda v: (not v["name"].casefold().startswith(needle), v["name"].casefold()))
    return found[:limit]


def _setting(session: Session, user_id: str, voice_id: str, kind: str,
             target_id: str) -> VoiceSetting:
    row = session.scalar(select(VoiceSetting).where(
        VoiceSetting.user_id == user_id, VoiceSetting.target_kind == kind,
        VoiceSetting.target_id == target_id))
    if row is None:
        row = VoiceSetting(user_id=user_id, voice_id=voice_id, target_kind=kind,
                           target_id=target_id, favorite=False, semitones_correction=0.0)
        session.add(row)
    row.updated_at = utcnow()
    return row


def toggle_favorite(session: Session, user_id: str, voice: dict[str, Any]) -> None:
    row = _setting(session, user_id, voice["id"], VOICE, voice["id"])
    row.favorite = not row.favorite
    session.flush()


def apply_settings(session: Session, user_id: str, voice: dict[str, Any],
                   body: VoiceSettingsUpdate) -> None:
    if body.narration_style_id is not None:
        style_id = str(body.narration_style_id)
        if style_id not in {s["id"] for s in voice.get("narration_styles", [])}:
            raise not_found("Narration style of this voice")
        row = _setting(session, user_id, voice["id"], STYLE, style_id)
        row.favorite = True if body.favorite is None else body.favorite
    if body.accent_id is not None:
        accent_id = str(body.accent_id)
        if accent_id not in {a["id"] for a in voice.get("accents", [])}:
            raise not_found("Accent of this voice")
        row = _setting(session, user_id, voice["id"], ACCENT, accent_id)
        if body.favorite is not None:
            row.favorite = body.favorite
        elif body.semitones_correction is None:
            row.favorite = True
        if body.semitones_correction is not None:
            row.semitones_correction = float(body.semitones_correction)
    session.flush()


def accent_semitones(session: Session, user_id: str, accent_id: str) -> float:
    """The user's saved semitone correction for an accent (0 when none): for orders."""
    row = session.scalar(select(VoiceSetting).where(
        VoiceSetting.user_id == user_id, VoiceSetting.target_kind == ACCENT,
        VoiceSetting.target_id == accent_id))
    return row.semitones_correction if row else 0.0
