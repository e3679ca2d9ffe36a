"""Voice profiles: how the engine turns a speaker into each voice of the catalogue.

The shaping parameters live as data in `resources/voices/profiles.json`, keyed by voice slug; the
voice's identity, its pitch (the target median f0 of the pitch contract), accents and narration
styles come from `resources/voices/catalogue.json`, so the two never disagree on a pitch.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from voxbooth.resources import resources_dir


class ProfileError(ValueError):
    """A voice, accent or narration style the engine does not know, said in the user's words."""


@dataclass(frozen=True)
class Effects:
    """What makes the non-human voices: each is off at its default."""

    monotone: bool = False  # robot: f0 held at the target pitch
    whisper: bool = False  # ghost: no voicing at all, breath only
    comb_hz: float = 0.0  # spacing of fixed metallic/hollow resonances in the envelope
    comb_depth: float = 0.0  # 0..1
    ring_hz: float = 0.0  # ring-modulation carrier (metallic), mixed by ring_mix
    ring_mix: float = 0.0
    wobble_hz: float = 0.0  # alien: formant warp oscillating at this rate ...
    wobble_depth: float = 0.0  # ... by this fraction of the warp
    growl_hz: float = 0.0  # rough amplitude flutter (dog, bear)
    growl_depth: float = 0.0  # 0..1


@dataclass(frozen=True)
class VoiceProfile:
    """A voice's target: pitch and how the envelope, source and prosody are reshaped."""

    voice_id: str
    slug: str
    name: str
    pitch_hz: float  # target median f0 before semitones_correction
    f0_range_scale: float = 1.0  # multiplies the speaker's log-f0 excursions
    f0_range_st: float | None = None  # clones: target spread (std of log f0, semitones)
    formant_scale: float = 1.0  # >1 moves formants up (shorter vocal tract)
    formant_bend: float = 0.0  # >0 upper formants move further than the first, see envelope.warp
    tilt_db_per_octave: float = 0.0  # >0 brighter, <0 darker
    resonances: tuple[tuple[float, float, float], ...] = ()  # (hz, gain_db, width_hz) colour
    breathiness: float = 0.0  # 0..1, pushes aperiodicity towards noise
    jitter_cents: float = 0.0  # random frame-to-frame f0 wobble (std)
    shimmer_db: float = 0.0  # random frame-to-frame level wobble (std)
    vibrato_hz: float = 0.0
    vibrato_cents: float = 0.0
    effects: Effects = field(default_factory=Effects)
    envelope_db: tuple[float, ...] | None = None  # clones: long-term envelope, see clone.py
    aperiodicity_db: tuple[float, ...] | None = None  # clones: long-term aperiodicity (breath)
    # clones: the speaker's own voiced frames (log envelopes on envelope.FRAME_GRID_HZ)
    frames_db: tuple[tuple[float, ...], ...] | None = None
    species: str = "human"
    gender: str = ""
    age_group: str = ""
    accent_ids: tuple[str, ...] = ()
    narration_styles: tuple[tuple[str, str], ...] = ()  # (style id, style name)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (how the service stores a cloned voice's profile)."""
        data = asdict(self)
        data["accent_ids"] = list(self.accent_ids)
        data["narration_styles"] = [list(pair) for pair in self.narration_styles]
        data["envelope_db"] = None if self.envelope_db is None else list(self.envelope_db)
        data["aperiodicity_db"] = (None if self.aperiodicity_db is None
                                   else list(self.aperiodicity_db))
        data["resonances"] = [list(peak) for peak in self.resonances]
        data["frames_db"] = None if self.frames_db is None else [list(f) for f in self.frames_db]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VoiceProfile:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["effects"] = Effects(**dict(values.get("effects") or {}))
        values["accent_ids"] = tuple(values.get("accent_ids") or ())
        values["narration_styles"] = tuple(
            (str(a), str(b)) for a, b in values.get("narration_styles") or ()
        )
        values["resonances"] = tuple(
            (float(a), float(b), float(c)) for a, b, c in values.get("resonances") or ()
        )
        if values.get("frames_db") is not None:
            values["frames_db"] = tuple(tuple(float(v) for v in f) for f in values["frames_db"])
        for curve in ("envelope_db", "aperiodicity_db"):
            if values.get(curve) is not None:
                values[curve] = tuple(float(v) for v in values[curve])
        return cls(**values)


def catalogue_path() -> Path:
    return resources_dir() / "voices" / "catalogue.json"


def profiles_path() -> Path:
    return resources_dir() / "voices" / "profiles.json"


@lru_cache(maxsize=1)
def _load_cached(catalogue: Path, profiles: Path) -> dict[str, VoiceProfile]:
    voices = json.loads(catalogue.read_text(encoding="utf-8"))["voices"]
    shaping = json.loads(profiles.read_text(encoding="utf-8"))["profiles"]
    result: dict[str, VoiceProfile] = {}
    for voice in voices:
        slug = voice["slug"]
        if slug not in shaping:
            raise ProfileError(f"voice {slug!r} has no profile in {profiles.name}")
        params = dict(shaping[slug])
        params.pop("comment", None)
        params["effects"] = Effects(**params.get("effects", {}))
        params["resonances"] = tuple(
            (float(a), float(b), float(c)) for a, b, c in params.get("resonances", ())
        )
        result[slug] = VoiceProfile(
            voice_id=voice["id"],
            slug=slug,
            name=voice["name"],
            pitch_hz=float(voice["pitch"]),
            species=voice.get("species", "human"),
            gender=voice.get("gender", ""),
            age_group=voice.get("age_group", ""),
            accent_ids=tuple(a["id"] for a in voice.get("accents", [])),
            narration_styles=tuple(
                (s["id"], s["info"]["name"]) for s in voice.get("narration_styles", [])
            ),
            **params,
        )
    return result


def load_profiles() -> dict[str, VoiceProfile]:
    """Every catalogue voice's profile, keyed by slug."""
    return dict(_load_cached(catalogue_path(), profiles_path()))


def profile_for_voice(voice_id_or_slug: str) -> VoiceProfile:
    """The profile of a catalogue voice named by its id, slug or name (case-insensitive)."""
    wanted = voice_id_or_slug.strip().lower()
    for profile in _load_cached(catalogue_path(), profiles_path()).values():
        if wanted in (profile.voice_id.lower(), profile.slug.lower(), profile.name.lower()):
            return profile
    raise ProfileError(f"unknown voice {voice_id_or_slug!r}")


def check_accent(profile: VoiceProfile, accent_id: str | None) -> None:
    """The engine cannot change an accent: only the voice's own (native) accent is accepted."""
    if accent_id is not None and accent_id not in profile.accent_ids:
        raise ProfileError(f"accent {accent_id!r} is not available for voice {profile.name!r}")


def narration_style_name(profile: VoiceProfile, style: str | None) -> str | None:
    """The style's name ("Calm"...) from its id or name; None for no style."""
    if style is None:
        return None
    for style_id, name in profile.narration_styles:
        if style in (style_id, name) or style.lower() == name.lower():
            return name
    from voxbooth.engine.prosody import STYLES

    for name in STYLES:
        if style.lower() == name.lower():
            return name
    raise ProfileError(f"narration style {style!r} is not available for voice {profile.name!r}")
