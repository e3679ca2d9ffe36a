"""What the studio shows of the service's objects: projects, folders, takes and voices.

The one neutral home of the records every room passes around, so no feature room imports another's.

The typed client returns pydantic models; the studio keeps only the fields it shows, read by name
from either a model or a plain dict, so a field added to the API never breaks the window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(getattr(value, "value", value))  # enums print their value


def _time(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


@dataclass(frozen=True)
class ProjectInfo:
    id: str
    name: str
    created_at: datetime | None = None

    @classmethod
    def from_api(cls, obj: Any) -> ProjectInfo:
        return cls(_text(_get(obj, "id")), _text(_get(obj, "name")), _time(_get(obj, "created_at")))


@dataclass(frozen=True)
class FolderInfo:
    id: str
    name: str
    project_id: str
    parent_id: str | None = None

    @classmethod
    def from_api(cls, obj: Any) -> FolderInfo:
        parent = _get(obj, "parent_id")
        return cls(_text(_get(obj, "id")), _text(_get(obj, "name")),
                   _text(_get(obj, "project_id")), _text(parent) or None)


# States a take goes through on the service (002): a conversion is new, processing, done or error.
BUSY_STATES = frozenset({"new", "queued", "uploading", "processing"})


@dataclass(frozen=True)
class TakeInfo:
    """An original or a conversion (the API calls both recordings)."""

    id: str
    label: str
    kind: str = "original"  # "original" or "conversion"
    original_id: str | None = None
    folder_id: str | None = None
    voice_name: str = ""
    duration_s: float = 0.0
    state: str = "done"
    process_stage: str = ""
    progress: float | None = None  # 0..1 while a conversion runs, when the service says
    starred: bool = False
    note: str = ""
    created_at: datetime | None = None
    error: str = ""
    size_bytes: int = 0
    tts: bool = False  # made from text: converting it needs a narration style
    #: the service measured the take's background noise as worth cleaning (its quality rule)
    suggest_cleaning: bool = False
    snr_db: float | None = None  # speech above the noise floor, when the service measured it
    noise_floor_db: float | None = None
    cleaned_from: str = ""  # the take this one was cleaned from ("" if it was not)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def is_conversion(self) -> bool:
        return self.kind != "original"

    @property
    def noise_text(self) -> str:
        """'background noise: speech 9 dB above the noise floor (-38 dBFS)', '' if unmeasured."""
        if self.snr_db is None:
            return ""
        floor = f" ({self.noise_floor_db:.0f} dBFS)" if self.noise_floor_db is not None else ""
        return f"speech {self.snr_db:.0f} dB above the noise floor{floor}"

    @property
    def is_busy(self) -> bool:
        return self.state in BUSY_STATES

    @classmethod
    def from_api(cls, obj: Any) -> TakeInfo:
        note = _get(obj, "note")
        note_text = _text(_get(note, "text")) if note is not None and not isinstance(note, str) \
            else _text(note)
        progress = _get(obj, "progress")
        kind = _text(_get(obj, "type")) or "original"
        params = _get(obj, "params") or {}
        params = params if isinstance(params, dict) else {}
        return cls(
            id=_text(_get(obj, "id")),
            label=_text(_get(obj, "label")) or _text(_get(obj, "file_name")),
            kind="original" if kind == "original" else "conversion",
            original_id=_text(_get(obj, "original_id")) or None,
            folder_id=_text(_get(obj, "parent_folder_id")) or None,
            voice_name=_text(_get(obj, "model_name")),
            duration_s=float(_get(obj, "duration") or 0.0),
            state=_text(_get(obj, "state")) or "done",
            process_stage=_text(_get(obj, "process_stage")),
            progress=float(progress) if progress is not None else None,
            starred=bool(_get(obj, "starred") or False),
            note=note_text,
            created_at=_time(_get(obj, "created_at")),
            error=_text(_get(obj, "error")),
            size_bytes=int(_get(obj, "size") or 0),
            tts=bool(_get(obj, "tts") or False),
            suggest_cleaning=params.get("suggest_noise_reduction") is True,
            snr_db=_number(params.get("snr_db")),
            noise_floor_db=_number(params.get("noise_floor_db")),
            cleaned_from=_text(params.get("cleaned_from")),
        )


@dataclass(frozen=True)
class ProofIssue:
    """A word of the take's script line missed, added or changed, where to listen for it."""

    kind: str  # missed | added | changed
    expected: str | None
    heard: str | None
    start_s: float
    end_s: float
    description: str  # 'missed: 'the', 1.2 s', as the service's client words it
    script_index: int | None = None  # among `Proof.script_words`; None when not said

    @property
    def word(self) -> str:
        """The word to show at the mark: the one the script expects, else the one heard."""
        return self.expected or self.heard or ""


# A take's transcript is made in the background after its upload (seconds).
PROOF_BUSY_STATES = frozenset({"queued", "processing"})


@dataclass(frozen=True)
class Proof:
    """A take's transcript as the artist proofs it: its state and the words to check."""

    take_id: str
    state: str  # queued | processing | done | error | unavailable
    script: str = ""
    script_words: tuple[str, ...] = ()
    text: str = ""
    issues: tuple[ProofIssue, ...] = ()
    error: str = ""

    @property
    def is_busy(self) -> bool:
        return self.state in PROOF_BUSY_STATES

    @property
    def summary(self) -> str:
        """One line the artist reads beside the take."""
        if self.is_busy:
            return "Transcribing…"
        if self.state == "unavailable":
            return f"No transcript: {self.error or 'this service makes none'}"
        if self.state != "done":
            return f"Transcript failed: {self.error or 'no reason given'}"
        if not self.script:
            return f"Heard: “{self.text.strip()}”" if self.text.strip() else "No words heard"
        if not self.issues:
            return "Read as written"
        return f"{len(self.issues)} word(s) to check: " + "; ".join(
            i.description for i in self.issues)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None

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


@dataclass(frozen=True)
class TtsVoiceInfo:
    """A voice the service speaks text with; `is_default` marks the one it picks by itself."""

    id: str
    name: str
    language: str = ""  # ISO 639-1; "" when the service does not say
    is_default: bool = False


def default_tts_voice(voices: list[TtsVoiceInfo], language: str) -> TtsVoiceInfo | None:
    """The voice the service speaks `language` with when none is named: its default among that
    language's voices, else the first it lists for the language (its natural voice comes
    first)."""
    spoken = [v for v in voices if v.language == language]
    return next((v for v in spoken if v.is_default), spoken[0] if spoken else None)
