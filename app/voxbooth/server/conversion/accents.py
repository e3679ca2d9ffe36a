"""Accent samples: the reference phrase (`resources/prompts/reference_phrases.json`) spoken in
the accent's language and converted into its voice by the engine, made once per accent and then
served from the blob store (the `accent_samples` table remembers which blob it is).

A private (cloned) voice's own accent gets a sample too, visible to its owner only, made again
when the voice was re-estimated from new samples.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from voxbooth.engine import tts
from voxbooth.engine.profiles import VoiceProfile
from voxbooth.resources import resources_dir
from voxbooth.server.blobs import BlobStore
from voxbooth.server.catalogue import Catalogue
from voxbooth.server.db import utcnow
from voxbooth.server.errors import not_found
from voxbooth.server.models import AccentSample, PrivateVoice
from voxbooth.server.schemas.accents import AccentSamplePublic
from voxbooth.server.scratch import Scratch
from voxbooth.server.services.voices import private_voice_dict

if TYPE_CHECKING:
    import numpy as np

READY = "ready"
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


@dataclass(frozen=True)
class _Accent:
    accent: dict[str, Any]
    voice: dict[str, Any]
    private: PrivateVoice | None = None

    @property
    def language(self) -> str:
        return str(self.accent["info"].get("locale") or "en").split("-")[0].lower()


def _find(session: Session, catalogue: Catalogue, user_id: str, accent_id: str) -> _Accent:
    for voice in catalogue.voices:
        for accent in voice.get("accents", []):
            if accent["id"] == accent_id:
                return _Accent(accent, voice)
    private = session.scalar(select(PrivateVoice).where(
        PrivateVoice.accent_id == accent_id, PrivateVoice.owner_id == user_id,
        PrivateVoice.active.is_(True)))
    if private is None or not private.profile:
        raise not_found("Accent")
    voice = private_voice_dict(private)
    return _Accent(voice["accents"][0], voice, private)


def _phrase(language: str) -> tuple[str, str]:
    path = resources_dir() / "prompts" / "reference_phrases.json"
    phrases: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))["phrases"]
    # the engine speaks English where the accent's language has no phrase
    return (language, phrases[language]) if language in phrases else ("en", phrases["en"])


def _lock_for(accent_id: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(accent_id, threading.Lock())


def _cached(session: Session, blobs: BlobStore, found: _Accent) -> AccentSample | None:
    row = session.scalar(select(AccentSample).where(
        AccentSample.accent_id == found.accent["id"],
        AccentSample.voice_id == found.voice["id"])
        .execution_options(populate_existing=True))
    if row is None or row.state != READY or not row.blob_key or not blobs.exists(row.blob_key):
        return None
    ready_at = found.private.ready_at if found.private is not None else None
    if ready_at is not None and row.created_at < ready_at:
        return None  # made from an earlier estimate of the private voice
    return row


def _speak(found: _Accent) -> tuple[np.ndarray, int]:
    # the engine (scipy, pyworld) loads with the first sample made, not with the service
    from voxbooth.engine.accents import make_accent_sample
    from voxbooth.engine.convert import convert

    if found.private is None:
        return make_accent_sample(found.accent["id"])
    profile = VoiceProfile.from_dict(found.private.profile)
    # the espeak voice nearest the clone's pitch keeps the shift (and its artefacts) small
    kind = "female" if profile.pitch_hz >= 160.0 else "male"
    voice = next(v for v in tts.tts_voices() if v.language == "en" and v.name.endswith(kind))
    samples, rate_hz = tts.synthesize(_phrase("en")[1], voice_id=voice.id)
    return convert(samples, rate_hz, profile), rate_hz


def _make(session: Session, blobs: BlobStore, scratch: Scratch, found: _Accent) -> AccentSample:
    samples, rate_hz = _speak(found)
    with scratch.file("accent-", ".wav") as wav:
        import soundfile

        soundfile.write(str(wav), samples, rate_hz, subtype="PCM_16", format="WAV")
        key = blobs.put_file(wav)
    try:
        row = session.scalar(select(AccentSample).where(
            AccentSample.accent_id == found.accent["id"],
            AccentSample.voice_id == found.voice["id"]))
        old_key = row.blob_key if row is not None else None
        if row is None:
            row = AccentSample(accent_id=found.accent["id"], voice_id=found.voice["id"])
            session.add(row)
        row.blob_key, row.format, row.state = key, "wav", READY
        row.duration, row.created_at = samples.shape[0] / rate_hz, utcnow()
        session.commit()
    except IntegrityError:  # another process made it first: keep theirs
        session.rollback()
        blobs.delete(key)
        cached = _cached(session, blobs, found)
        if cached is None:
            raise
        return cached
    except BaseException:
        session.rollback()
        blobs.delete(key)
        raise
    if old_key and old_key != key:
        blobs.delete(old_key)  # the blob of a cache entry had gone missing
    return row


def samples_for(session: Session, blobs: BlobStore, catalogue: Catalogue, scratch: Scratch,
                user_id: str, accent_id: str, base_url: str) -> list[AccentSamplePublic]:
    """The accent's samples (one: its voice speaking the reference phrase), made on first use."""
    found = _find(session, catalogue, user_id, accent_id)
    row = _cached(session, blobs, found)
    if row is None:
        with _lock_for(accent_id):  # concurrent first requests make it once
            row = _cached(session, blobs, found) or _make(session, blobs, scratch, found)
    language, text = _phrase("en" if found.private is not None else found.language)
    return [AccentSamplePublic(
        id=row.id, accent_id=accent_id, voice_id=found.voice["id"],
        voice_name=found.voice["name"],
        url=f"{base_url.rstrip('/')}/api/v2/accents/samples/{row.id}/file", text=text,
        language=language, duration=round(row.duration, 3), format=row.format, key=row.blob_key,
        created_at=row.created_at.isoformat().replace("+00:00", "Z"))]


def sample_key(session: Session, blobs: BlobStore, user_id: str, sample_id: str) -> str:
    """The blob key of an accent sample the user may hear."""
    row = session.get(AccentSample, sample_id)
    if row is None or row.blob_key is None or not blobs.exists(row.blob_key):
        raise not_found("Accent sample")
    private = session.get(PrivateVoice, row.voice_id)
    if private is not None and private.owner_id != user_id:
        raise not_found("Accent sample")
    return row.blob_key
