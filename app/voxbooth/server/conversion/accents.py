"""Accent samples: the reference phrase (`resources/prompts/reference_phrases.json`) spoken in
the accent's language and converted into its voice by the engine, made once per accent and then
served from the blob store (the `accent_samples` table remembers which blob it is).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import soundfile
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from voxbooth.engine.accents import make_accent_sample
from voxbooth.resources import resources_dir
from voxbooth.server.blobs import BlobStore
from voxbooth.server.catalogue import Catalogue
from voxbooth.server.errors import not_found
from voxbooth.server.models import AccentSample
from voxbooth.server.schemas.accents import AccentSamplePublic
from voxbooth.server.services.storage import temp_path

READY = "ready"
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


@dataclass(frozen=True)
class _Accent:
    accent: dict[str, Any]
    voice: dict[str, Any]

    @property
    def language(self) -> str:
        return str(self.accent["info"].get("locale") or "en").split("-")[0].lower()


def _find(catalogue: Catalogue, accent_id: str) -> _Accent:
    for voice in catalogue.voices:
        for accent in voice.get("accents", []):
            if accent["id"] == accent_id:
                return _Accent(accent, voice)
    raise not_found("Accent")


def _phrase(language: str) -> tuple[str, str]:
    path = resources_dir() / "prompts" / "reference_phrases.json"
    phrases: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))["phrases"]
    # the engine speaks English where the accent's language has no phrase
    return (language, phrases[language]) if language in phrases else ("en", phrases["en"])


def _lock_for(accent_id: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(accent_id, threading.Lock())


def _cached(session: Session, blobs: BlobStore, accent_id: str,
            voice_id: str) -> AccentSample | None:
    row = session.scalar(select(AccentSample).where(
        AccentSample.accent_id == accent_id, AccentSample.voice_id == voice_id)
        .execution_options(populate_existing=True))
    if row is not None and row.state == READY and row.blob_key and blobs.exists(row.blob_key):
        return row
    return None


def _make(session: Session, blobs: BlobStore, tmp_dir: Path, found: _Accent) -> AccentSample:
    samples, rate_hz = make_accent_sample(found.accent["id"])
    wav = temp_path(tmp_dir, "accent-", ".wav")
    try:
        soundfile.write(str(wav), samples, rate_hz, subtype="PCM_16", format="WAV")
        key = blobs.put_file(wav)
    finally:
        wav.unlink(missing_ok=True)
    try:
        row = session.scalar(select(AccentSample).where(
            AccentSample.accent_id == found.accent["id"],
            AccentSample.voice_id == found.voice["id"]))
        old_key = row.blob_key if row is not None else None
        if row is None:
            row = AccentSample(accent_id=found.accent["id"], voice_id=found.voice["id"])
            session.add(row)
        row.blob_key, row.format, row.state = key, "wav", READY
        row.duration = samples.shape[0] / rate_hz
        session.commit()
    except IntegrityError:  # another process made it first: keep theirs
        session.rollback()
        blobs.delete(key)
        cached = _cached(session, blobs, found.accent["id"], found.voice["id"])
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


def samples_for(session: Session, blobs: BlobStore, catalogue: Catalogue, tmp_dir: Path,
                accent_id: str, base_url: str) -> list[AccentSamplePublic]:
    """The accent's samples (one: its voice speaking the reference phrase), made on first use."""
    found = _find(catalogue, accent_id)
    row = _cached(session, blobs, accent_id, found.voice["id"])
    if row is None:
        with _lock_for(accent_id):  # concurrent first requests make it once
            row = _cached(session, blobs, accent_id, found.voice["id"]) \
                or _make(session, blobs, tmp_dir, found)
    language, text = _phrase(found.language)
    return [AccentSamplePublic(
        id=row.id, accent_id=accent_id, voice_id=found.voice["id"],
        voice_name=found.voice["name"],
        url=f"{base_url.rstrip('/')}/api/v2/accents/samples/{row.id}/file", text=text,
        language=language, duration=round(row.duration, 3), format=row.format, key=row.blob_key,
        created_at=row.created_at.isoformat().replace("+00:00", "Z"))]


def sample_file(session: Session, blobs: BlobStore, sample_id: str) -> Path:
    row = session.get(AccentSample, sample_id)
    if row is None or row.blob_key is None or not blobs.exists(row.blob_key):
        raise not_found("Accent sample")
    path = blobs.path(row.blob_key)
    assert path is not None
    return path
