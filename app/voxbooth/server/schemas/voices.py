from __future__ import annotations

import uuid
from enum import StrEnum

from pydantic import BaseModel, Field


class Visibility(StrEnum):
    public = "public"
    paid = "paid"
    private = "private"
    kids = "kids"


class Species(StrEnum):
    human = "human"
    animal = "animal"
    other = "other"


class Gender(StrEnum):
    male = "male"
    female = "female"


class AgeGroup(StrEnum):
    child = "child"
    young = "young"
    adult = "adult"
    senior = "senior"


class PitchGroup(StrEnum):
    low = "low"
    mid = "mid"
    high = "high"


class VoiceSort(StrEnum):
    name = "name"
    pitch = "pitch"
    rating = "rating"
    created_at = "created_at"


class Tier(BaseModel):
    name: str


class AccentInfo(BaseModel):
    name: str
    short_name: str
    locale: str


class AccentSettings(BaseModel):
    favorite: bool = False
    semitones_correction: float = 0.0


class AccentPublic(BaseModel):
    id: str
    is_default: bool
    native: bool
    info: AccentInfo
    tiers: list[Tier]
    available: bool
    settings: AccentSettings


class NarrationStyleInfo(BaseModel):
    name: str


class NarrationStyleSettings(BaseModel):
    favorite: bool = False


class NarrationStylePublic(BaseModel):
    id: str
    is_default: bool
    info: NarrationStyleInfo
    settings: NarrationStyleSettings


class VoicePublic(BaseModel):
    id: str
    owner_id: str | None
    name: str
    slug: str
    visibility: str
    species: str
    artist: str
    verified_artist: bool
    gender: str | None
    pitch: float | None
    age_group: str | None
    pitch_group: str | None
    nationality: str | None
    image_url: str
    thumbnail_url: str
    description: str
    rating: float
    active: bool
    created_at: str
    favorite: bool
    available: bool
    accents: list[AccentPublic]
    narration_styles: list[NarrationStylePublic]
    tiers: list[Tier]


class VoiceSettingsUpdate(BaseModel):
    voice_id: uuid.UUID
    narration_style_id: uuid.UUID | None = None
    accent_id: uuid.UUID | None = None
    semitones_correction: float | None = Field(None, ge=-24, le=24)
    # beyond the seed: lets a client un-mark an accent or narration style
    favorite: bool | None = None
