"""What the library shows of a voice, kept from the client's model (fields read by name)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class AccentInfo:
    id: str
    name: str
    is_default: bool = False
    semitones_correction: float = 0.0
    favorite: bool = False


@dataclass(frozen=True)
class StyleInfo:
    id: str
    name: str
    is_default: bool = False


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    name: str
    visibility: str = "public"
    species: str = ""
    gender: str = ""
    age_group: str = ""
    pitch_group: str = ""
    nationality: str = ""
    pitch_hz: float = 0.0
    rating: float = 0.0
    description: str = ""
    image_url: str = ""
    favorite: bool = False
    created_at: datetime | None = None
    accents: tuple[AccentInfo, ...] = ()
    narration_styles: tuple[StyleInfo, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def is_private(self) -> bool:
        return self.visibility == "private"

    def default_accent(self) -> AccentInfo | None:
        return next((a for a in self.accents if a.is_default),
                    self.accents[0] if self.accents else None)

    def default_style(self) -> StyleInfo | None:
        return next((s for s in self.narration_styles if s.is_default),
                    self.narration_styles[0] if self.narration_styles else None)

    def accent(self, accent_id: str) -> AccentInfo | None:
        return next((a for a in self.accents if a.id == accent_id), None)

    @property
    def summary(self) -> str:
        parts = [self.gender, self.age_group, f"{self.pitch_hz:.0f} Hz" if self.pitch_hz else ""]
        return " · ".join(p for p in parts if p)

    @classmethod
    def from_api(cls, voice: Any) -> VoiceInfo:
        def text(value: Any) -> str:
            return "" if value is None else str(getattr(value, "value", value))

        accents = tuple(
            AccentInfo(text(a.id), text(a.info.name or a.info.short_name or a.info.locale),
                       bool(a.is_default), float(a.settings.semitones_correction or 0.0),
                       bool(a.settings.favorite))
            for a in voice.accents)
        styles = tuple(StyleInfo(text(s.id), text(s.info.name), bool(s.is_default))
                       for s in voice.narration_styles)
        return cls(
            id=text(voice.id), name=text(voice.name), visibility=text(voice.visibility),
            species=text(voice.species), gender=text(voice.gender),
            age_group=text(voice.age_group), pitch_group=text(voice.pitch_group),
            nationality=text(voice.nationality), pitch_hz=float(voice.pitch or 0.0),
            rating=float(voice.rating or 0.0), description=text(voice.description),
            image_url=text(voice.thumbnail_url or voice.image_url),
            favorite=bool(voice.favorite), created_at=voice.created_at,
            accents=accents, narration_styles=styles)
