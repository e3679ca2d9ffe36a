"""Transcripts of takes: a job after each upload hears the take, aligns it to its script line.

The take's script line is the `text` field of its upload (script mode sends the line), its
language the `language` field; without one the script's language is detected, and without a
script Whisper base detects it from the audio.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from voxbooth.server import jobs
from voxbooth.server.db import utcnow
from voxbooth.server.models import Job, Recording, Transcript
from voxbooth.server.schemas.transcripts import TranscriptPublic

TRANSCRIPT_JOB = "transcript"
QUEUED, PROCESSING, DONE, ERROR, UNAVAILABLE = (
    "queued", "processing", "done", "error", "unavailable")
_ANALYSIS_RATE_HZ = 16_000
TRANSCRIPTS_OFF = ("automatic transcripts are turned off on this service"
                   " (VOXBOOTH_TRANSCRIBE_TAKES)")
# One transcription at a time per process, so a burst of uploads never takes every job worker
# from the waveform peaks and conversions queued behind it: a transcript job that finds the
# lane busy goes to the back of the queue instead, behind the work queued after it (after a
# short pause, so a queue holding only transcripts does not spin).
_lane = threading.Semaphore(1)
_REQUEUE_PAUSE_S = 0.25
_BEHIND_OTHER_WORK = timedelta(seconds=1)


def enqueue_transcript(session: Session, rec: Recording) -> None:
    """Queues the transcript of `rec` (call in the transaction that stores its audio)."""
    row = session.scalar(select(Transcript).where(Transcript.recording_id == rec.id))
    if row is None:
        row = Transcript(recording_id=rec.id, owner_id=rec.owner_id)
        session.add(row)
    row.state, row.script, row.error = QUEUED, rec.text or None, None
    job = jobs.enqueue(session, TRANSCRIPT_JOB, {"recording_id": rec.id}, subject_id=rec.id,
                       user_id=rec.owner_id)
    job.created_at = utcnow() + _BEHIND_OTHER_WORK  # peaks and conversions queued meanwhile first


def language_for(rec: Recording) -> str | None:
    """The take's language: asked at upload, else its script's, else None (heard)."""
    params = rec.params or {}
    asked = params.get("language") or params.get("text_language")  # a take's, a TTS original's
    if isinstance(asked, str) and asked.strip():
        return asked.strip().lower().split("-")[0]
    if rec.text and rec.text.strip():
        from voxbooth.engine.tts import detect_language

        return detect_language(rec.text)
    return None


def _models_dir(ctx: jobs.JobContext) -> Path:
    return Path(ctx.services["settings"].data_dir) / "models"


def _transcript_job(ctx: jobs.JobContext) -> None:
    if not _lane.acquire(blocking=False):
        time.sleep(_REQUEUE_PAUSE_S)
        again = jobs.enqueue(ctx.session, TRANSCRIPT_JOB, dict(ctx.payload),
                             subject_id=ctx.payload["recording_id"])
        again.created_at = utcnow() + _BEHIND_OTHER_WORK  # claims go oldest first
        return
    try:
        _transcribe_take(ctx)
    finally:
        _lane.release()


def _set_noise(rec: Recording, noise: dict[str, Any]) -> None:
    # On the take itself, so the takes list shows which takes are worth cleaning.
    if noise:
        rec.params = {**(rec.params or {}), **noise}


def _transcribe_take(ctx: jobs.JobContext) -> None:
    from voxbooth.engine.neural import MissingPart
    from voxbooth.server.neural.listening import listen

    rec = ctx.session.get(Recording, ctx.payload["recording_id"])
    row = ctx.session.scalar(select(Transcript).where(
        Transcript.recording_id == ctx.payload["recording_id"]))
    if rec is None or rec.blob_key is None or row is None:
        return  # deleted meanwhile
    script, language = rec.text or None, language_for(rec)
    noise: dict[str, Any] = {}
    ctx.progress(0.05, "listening")
    try:
        from voxbooth.engine.neural import proofing, transcribe

        with ctx.blobs.local_copy(rec.blob_key) as source:
            listened = listen(source, _ANALYSIS_RATE_HZ, duration_s=rec.duration)
        samples, rate_hz = listened.samples, listened.rate_hz
        noise, speech = listened.noise, listened.speech
        if not ctx.services["settings"].transcribe_takes:
            row.state, row.error, row.updated_at = UNAVAILABLE, TRANSCRIPTS_OFF, utcnow()
            _set_noise(rec, noise)
            return
        if speech is not None and not speech:
            # Whisper invents words in silence and tones; nobody spoke, so nothing was heard.
            heard = transcribe.Transcript(language=language or "", model="")
        else:
            heard = transcribe.transcribe(samples, rate_hz, language=language,
                                          cache_dir=_models_dir(ctx))
            if speech:
                heard = transcribe.Transcript(heard.language, heard.model,
                                              transcribe.snap_to_speech(heard.words, speech))
    except MissingPart as exc:
        row.state, row.error, row.updated_at = UNAVAILABLE, str(exc), utcnow()
        _set_noise(rec, noise)
        return
    if ctx.cancelled():
        raise jobs.JobCancelled()
    issues = proofing.proof(script, heard.words, len(samples) / rate_hz) if script else []
    row.state, row.error, row.updated_at = DONE, None, utcnow()
    _set_noise(rec, noise)
    row.language, row.model, row.script = heard.language or None, heard.model or None, script
    row.text = heard.text
    row.search_text = " ".join(proofing.normalise(w.word) for w in heard.words)
    row.words = [{"word": w.word, "start_s": w.start_s, "end_s": w.end_s, "prob": w.prob}
                 for w in heard.words]
    row.issues = [{"kind": i.kind, "expected": i.expected, "heard": i.heard,
                   "start_s": round(i.start_s, 3), "end_s": round(i.end_s, 3),
                   "script_index": i.script_index} for i in issues]


def _row(session: Session, job: Job) -> Transcript | None:
    return session.scalar(select(Transcript).where(Transcript.recording_id == job.subject_id))


def _on_progress(session: Session, job: Job, fraction: float, stage: str | None) -> None:
    row = _row(session, job)
    if row is not None and row.state == QUEUED:
        row.state = PROCESSING


def _on_failed(session: Session, job: Job, detail: str) -> None:
    row = _row(session, job)
    if row is not None:
        row.state, row.error, row.updated_at = ERROR, detail, utcnow()


def register_jobs(runner: jobs.JobRunner) -> None:
    runner.register(TRANSCRIPT_JOB, _transcript_job, on_failed=_on_failed,
                    on_progress=_on_progress)


def transcript_public(session: Session, rec: Recording) -> TranscriptPublic:
    """The take's transcript; a take stored before transcripts existed gets one queued."""
    row = session.scalar(select(Transcript).where(Transcript.recording_id == rec.id))
    if row is None and rec.blob_key is not None:
        enqueue_transcript(session, rec)
        session.commit()
        row = session.scalar(select(Transcript).where(Transcript.recording_id == rec.id))
    data: dict[str, Any] = {"recording_id": rec.id, "state": QUEUED, "language": None,
                            "model": None, "script": rec.text, "text": "", "words": [],
                            "issues": [], "error": None}
    if row is not None:
        data.update(state=row.state, language=row.language, model=row.model,
                    script=row.script, text=row.text, words=row.words, issues=row.issues,
                    error=row.error)
    if data["script"]:
        from voxbooth.engine.neural.proofing import script_words

        data["script_words"] = script_words(data["script"])
    return TranscriptPublic.model_validate(data)


def search_condition(query: str) -> ColumnElement[bool]:
    """Takes whose label or transcript holds `query` (case-insensitive, words normalised)."""
    from voxbooth.engine.neural.proofing import normalise, script_words

    needle = " ".join(normalise(w) for w in script_words(query)) or query.strip().lower()
    heard = select(Transcript.recording_id).where(Transcript.search_text.contains(needle,
                                                                                  autoescape=True))
    return or_(Recording.label.icontains(query.strip(), autoescape=True),
               Recording.id.in_(heard))
