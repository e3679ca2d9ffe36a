"""Noise reduction of takes: a job cleans a take into a new take beside it (the original is
kept), and an order may ask for its conversions to be made from a cleaned copy."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from voxbooth.server import jobs
from voxbooth.server.db import utcnow
from voxbooth.server.errors import conflict, unprocessable
from voxbooth.server.models import Job, Project, Recording
from voxbooth.server.scratch import Scratch

DENOISE_JOB = "noise_reduction"
CLEANED_SUFFIX = " (cleaned)"


def require_noise_reduction() -> None:
    from voxbooth.engine.neural import MissingPart, require

    try:
        require("noise reduction")
    except MissingPart as exc:
        raise unprocessable(str(exc)) from exc


def noise_measures(samples: Any, rate_hz: int, *,
                   probabilities: Any | None = None) -> dict[str, Any]:
    """The take's speech level, noise floor and SNR (speech and pauses told apart by the voice
    activity detector, or its `probabilities` when already run), and whether cleaning it is
    worth suggesting: the fields the service adds to a take's `params`. Empty when the take
    has no pause or no speech to measure."""
    from voxbooth.dsp.quality import HIGH_NOISE_FLOOR_DB, NOISY_SNR_DB
    from voxbooth.engine.neural import has
    from voxbooth.engine.neural.denoise import speech_and_noise_db

    if not has("voice activity"):
        return {}
    levels = speech_and_noise_db(samples, rate_hz, probabilities=probabilities)
    if levels is None:
        return {}
    speech_db, floor_db = levels
    snr_db = speech_db - floor_db
    return {"speech_level_db": round(speech_db, 1), "noise_floor_db": round(floor_db, 1),
            "snr_db": round(snr_db, 1),
            "suggest_noise_reduction": bool(snr_db < NOISY_SNR_DB
                                            or floor_db > HIGH_NOISE_FLOOR_DB)}


def request_cleaning(session: Session, user_id: str, original: Recording) -> Recording:
    """A new take, `processing`, that the job fills with `original` cleaned; commits."""
    require_noise_reduction()
    if original.type != "original":
        raise unprocessable("Only a take (an original) can be cleaned; convert the cleaned "
                            "take instead")
    if original.blob_key is None:
        raise conflict(f"The take has no audio yet (state: {original.state})")
    now = utcnow()
    rec = Recording(
        owner_id=user_id, project_id=original.project_id,
        parent_folder_id=original.parent_folder_id, type="original",
        file_name="", label=(original.label[: 255 - len(CLEANED_SUFFIX)] + CLEANED_SUFFIX),
        state="processing", process_stage="noise reduction", progress=0.0,
        microphone=original.microphone, text=original.text, tts=original.tts,
        tts_voice=original.tts_voice, tts_voice_id=original.tts_voice_id,
        duration=original.duration, created_at=now,
        params={**{k: v for k, v in (original.params or {}).items()
                   if k in ("language", "text_language")}, "cleaned_from": original.id},
    )
    session.add(rec)
    session.flush()
    session.query(Project).filter(Project.id == original.project_id).update(
        {"last_recording_at": now})
    jobs.enqueue(session, DENOISE_JOB, {"recording_id": rec.id, "original_id": original.id},
                 subject_id=rec.id, user_id=user_id)
    session.commit()
    return rec


@contextlib.contextmanager
def cleaned_file(source: Path, scratch: Scratch, progress: Any = None) -> Iterator[Path]:
    """`source` with its noise reduced, as a 16-bit WAV at its own rate in the scratch folder
    (deleted when the block ends)."""
    from voxbooth.engine.neural.denoise import denoise
    from voxbooth.server.media import read_audio

    samples, rate_hz = read_audio(source, mono=True)
    cleaned = denoise(samples, rate_hz, progress=progress)
    with scratch.file("cleaned-", ".wav") as out:
        import soundfile

        soundfile.write(str(out), cleaned, rate_hz, subtype="PCM_16", format="WAV")
        yield out


@contextlib.contextmanager
def cleaned_if_asked(source: Path, params: dict[str, Any], scratch: Scratch,
                     progress: Any = None) -> Iterator[Path]:
    """A conversion's input: `source`, or a cleaned copy of it when its order asked."""
    if not params.get("noise_reduction"):
        yield source
        return
    from voxbooth.engine.neural import MissingPart

    try:
        with cleaned_file(source, scratch, progress) as out:
            yield out
    except MissingPart as exc:
        raise jobs.PermanentJobError(str(exc)) from exc


def _denoise_job(ctx: jobs.JobContext) -> None:
    from voxbooth.engine.neural import MissingPart
    from voxbooth.server.media import probe
    from voxbooth.server.neural.transcripts import enqueue_transcript
    from voxbooth.server.services.waveforms import enqueue_waveform

    rec = ctx.session.get(Recording, ctx.payload["recording_id"])
    original = ctx.session.get(Recording, ctx.payload["original_id"])
    if rec is None:
        raise jobs.JobCancelled()  # the cleaned take was deleted while queued
    if original is None or original.blob_key is None:
        raise jobs.PermanentJobError("The take to clean has no audio any more")
    try:
        with ctx.blobs.local_copy(original.blob_key) as source, \
                cleaned_file(source, ctx.services["scratch"],
                             progress=lambda f: ctx.progress(0.05 + 0.85 * f, "cleaning")) as out:
            if ctx.cancelled():
                raise jobs.JobCancelled()
            info = probe(out)
            key = ctx.store_file(out)
    except MissingPart as exc:
        raise jobs.PermanentJobError(str(exc)) from exc
    rec = ctx.session.scalar(select(Recording).where(Recording.id == ctx.payload["recording_id"])
                             .execution_options(populate_existing=True))
    if rec is None:
        raise jobs.JobCancelled()
    rec.blob_key, rec.format, rec.mime = key, info.format, info.mime
    rec.file_name = f"{Path(original.file_name or 'take').stem}-cleaned.wav"
    rec.sample_rate, rec.channels, rec.frames = info.sample_rate, info.channels, info.frames
    rec.size, rec.duration = info.size_bytes, info.duration_s
    rec.state, rec.process_stage, rec.progress, rec.error = "done", "done", 1.0, None
    enqueue_waveform(ctx.session, rec)
    enqueue_transcript(ctx.session, rec)
    ctx.session.flush()


def _row(session: Session, job: Job) -> Recording | None:
    return session.get(Recording, job.subject_id) if job.subject_id else None


def _on_progress(session: Session, job: Job, fraction: float, stage: str | None) -> None:
    rec = _row(session, job)
    if rec is not None and rec.state == "processing":
        rec.progress, rec.process_stage = round(fraction, 3), stage or rec.process_stage


def _on_failed(session: Session, job: Job, detail: str) -> None:
    rec = _row(session, job)
    if rec is not None:
        rec.state, rec.error, rec.process_stage = "error", detail, "error"


def register_jobs(runner: jobs.JobRunner) -> None:
    runner.register(DENOISE_JOB, _denoise_job, on_failed=_on_failed, on_progress=_on_progress)
