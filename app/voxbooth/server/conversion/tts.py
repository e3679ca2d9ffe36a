"""TTS originals: text spoken by espeak-ng (`voxbooth.engine.tts`) kept as a take.

The speech is short (the text is at most 5,000 characters) and espeak-ng is far faster than
real time, so the take is made within the request and is `done` at once, like an upload.
"""

from __future__ import annotations

import re

from sqlalchemy import update
from sqlalchemy.orm import Session

from voxbooth.engine import tts
from voxbooth.server import jobs
from voxbooth.server.blobs import BlobStore
from voxbooth.server.db import utcnow
from voxbooth.server.errors import unprocessable
from voxbooth.server.media import probe
from voxbooth.server.models import Project, Recording
from voxbooth.server.neural.transcripts import enqueue_transcript
from voxbooth.server.schemas.tts import TtsVoicePublic
from voxbooth.server.scratch import Scratch
from voxbooth.server.services.common import clean_name, own_folder, slugify
from voxbooth.server.services.waveforms import WAVEFORM_JOB

_LABEL_WORDS = 8


def voices_public() -> list[TtsVoicePublic]:
    return [TtsVoicePublic(id=v.id, visibility="public", name=v.name, f0=v.f0_hz,
                           is_default=v.is_default, language=v.language)
            for v in tts.tts_voices()]


def _voice(language: str | None, voice_id: str | None) -> tts.TtsVoice:
    voices = tts.tts_voices()
    if voice_id is not None:
        found = next((v for v in voices if v.id == voice_id), None)
        if found is None:
            raise unprocessable(f"Unknown TTS voice {voice_id}: see GET /api/tts-voices")
        return found
    code = (language or "").strip().lower().split("-")[0].split("_")[0]
    found = next((v for v in voices if v.language == code), None)
    if found is None:
        raise unprocessable(f"text_language {language!r} is not supported; use one of "
                            f"{', '.join(tts.LANGUAGES)}")
    return found


def _default_label(text: str) -> str:
    words = text.split()
    label = " ".join(words[:_LABEL_WORDS]) + (" ..." if len(words) > _LABEL_WORDS else "")
    return re.sub(r"[\x00-\x1f\x7f]", "", label)[:255] or "Text"


def create_tts_original(session: Session, blobs: BlobStore, scratch: Scratch, user_id: str, *,
                        folder_id: str, text: str, language: str | None = None,
                        voice_id: str | None = None, label: str | None = None,
                        project_id: str | None = None) -> Recording:
    folder = own_folder(session, user_id, folder_id)
    if project_id is not None and folder.project_id != project_id:
        raise unprocessable("parent_folder_id is not a folder of project_id")
    clean_text = " ".join(text.split())
    if not clean_text:
        raise unprocessable("The text is empty: give the words to speak")
    detected = language is None and voice_id is None
    voice = _voice(tts.detect_language(clean_text) if detected else language, voice_id)
    title = clean_name(label, "label", 255) if label else _default_label(clean_text)
    try:
        samples, rate_hz = tts.synthesize(clean_text, voice_id=voice.id)
    except tts.TtsError as exc:
        raise unprocessable(f"The text cannot be spoken: {exc}") from exc
    with scratch.file("tts-", ".wav") as wav:
        import soundfile

        soundfile.write(str(wav), samples, rate_hz, subtype="PCM_16", format="WAV")
        info = probe(wav)
        key = blobs.put_file(wav)
    try:
        now = utcnow()
        rec = Recording(
            owner_id=user_id, project_id=folder.project_id, parent_folder_id=folder.id,
            type="original", file_name=f"{slugify(title)[:60]}.wav", label=title, state="done",
            microphone="tts", tts=True, tts_voice=voice.name, tts_voice_id=voice.id,
            text=clean_text, blob_key=key, format=info.format, mime=info.mime,
            sample_rate=info.sample_rate, channels=info.channels, frames=info.frames,
            size=info.size_bytes, duration=info.duration_s, created_at=now,
            params={"text_language": voice.language, "language_detected": detected})
        session.add(rec)
        session.flush()
        session.execute(update(Project).where(Project.id == folder.project_id)
                        .values(last_recording_at=now))
        jobs.enqueue(session, WAVEFORM_JOB, {"recording_id": rec.id}, subject_id=rec.id,
                     user_id=user_id)
        enqueue_transcript(session, rec)  # proofs the TTS against its text, like a take
        session.commit()
    except BaseException:
        session.rollback()
        blobs.delete(key)
        raise
    return rec
