from __future__ import annotations

from pydantic import Field

from voxbooth.api.models.base import Timestamp, VoxModel


class Tier(VoxModel):
    name: str | None = None


class AccentInfo(VoxModel):
    name: str | None = None
    short_name: str | None = None
    locale: str | None = None


class AccentSettings(VoxModel):
    favorite: bool = False
    semitones_correction: float | None = 0


class Accent(VoxModel):
    id: str
    is_default: bool = False
    native: bool | None = None
    info: AccentInfo = Field(default_factory=AccentInfo)
    tiers: list[Tier] = Field(default_factory=list)
    available: bool | None = None
    settings: AccentSettings = Field(default_factory=AccentSettings)


class NarrationStyleInfo(VoxModel):
    name: str | None = None


class NarrationStyleSettings(VoxModel):
    favorite: bool = False


class NarrationStyle(VoxModel):
    id: str
    is_default: bool = False
    info: NarrationStyleInfo = Field(default_factory=NarrationStyleInfo)
    settings: NarrationStyleSettings = Field(default_factory=NarrationStyleSettings)


class Voice(VoxModel):
    id: str
    name: str
    owner_id: str | None = None
    slug: str | None = None
    visibility: str | None = None  # public, paid, private, kids
    species: str | None = None  # human, animal, other
    artist: str | None = None
    verified_artist: bool | None = None
    gender: str | None = None
    pitch: float | None = None  # Hz
    age_group: str | None = None
    pitch_group: str | None = None
    nationality: str | None = None
    image_url: str | None = None
    thumbnail_url: str | None = None
    description: str | None = None
    rating: float | None = None
    active: bool = True
    created_at: Timestamp = None
    favorite: bool = False
    available: bool | None = None
    accents: list[Accent] = Field(default_factory=list)
    narration_styles: list[NarrationStyle] = Field(default_factory=list)
    tiers: list[Tier] = Field(default_factory=list)

    def default_accent(self) -> Accent | None:
        return next((a for a in self.accents if a.is_default), self.accents[0] if self.accents
                    else None)

    def default_narration_style(self) -> NarrationStyle | None:
        styles = self.narration_styles
        return next((s for s in styles if s.is_default), styles[0] if styles else None)


class AccentSample(VoxModel):
    """A voice speaking a reference phrase in one of its accents; `url` serves the audio."""

    id: str | None = None
    accent_id: str | None = None
    voice_id: str | None = None
    voice_name: str | None = None
    url: str | None = None
    text: str | None = None
    language: str | None = None
    duration: float | None = None  # seconds
    format: str | None = None
