"""The `convert` job: an original turned into a voice by the engine, in the job runner's worker.

The engine reads a local copy of the original (the blob store's `local_copy`) and writes a WAV in
the process's scratch folder (long originals are cut at pauses and converted in parallel
processes by the engine itself); the WAV and its waveform peaks are put in the blob store, then
the row's `done` state is written in the job's session, which the runner commits together with
the job's own `done`. A conversion deleted while queued or processing is noticed between chunks
and its job ends `cancelled`, refunded.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from voxbooth.engine.profiles import ProfileError
from voxbooth.server import jobs
from voxbooth.server.blobs import BlobStore
from voxbooth.server.conversion import credits
from voxbooth.server.conversion.profiles import is_private, voice_profile
from voxbooth.server.db import utcnow
from voxbooth.server.media import TAKES, AudioRejected, transcode
from voxbooth.server.media.header import check_header
from voxbooth.server.models import Job, Recording
from voxbooth.server.neural.noise_reduction import cleaned_if_asked
from voxbooth.server.scratch import Scratch
from voxbooth.server.services.common import slugify
from voxbooth.server.services.waveforms import compute_peaks

log = logging.getLogger("voxbooth.server.conversion")

CONVERT_JOB = "convert"
_DIRECT_FORMATS = frozenset({"wav", "flac"})  # read by the engine's workers with exact seeking


def _exists(factory: sessionmaker[Session], recording_id: str) -> bool:
    with factory() as session:
        return session.scalar(select(Recording.id).where(Recording.id == recording_id)) \
            is not None


def _seekable_by_engine(path: Path) -> bool:
    """The engine reads with libsndfile in this process and its own workers: it gets the kept
    bytes only when they are WAV or FLAC whose header is within the limits (the upload was
    decoded whole by the audio worker); anything else is first made a WAV by that worker."""
    import soundfile

    try:
        check_header(path, TAKES)
        soundfile.info(str(path))
    except (AudioRejected, RuntimeError, soundfile.LibsndfileError):
        return False
    return True


@contextlib.contextmanager
def _engine_input(blobs: BlobStore, original: Recording, scratch: Scratch) -> Iterator[Path]:
    """A local file the engine reads chunk by chunk: the kept bytes, or a WAV made of them;
    whichever copy was made goes when the block ends."""
    with blobs.local_copy(original.blob_key or "") as source:
        if original.format in _DIRECT_FORMATS and _seekable_by_engine(source):
            yield source
            return
        with scratch.file("original-", ".wav") as copy:
            try:
                transcode(source, copy, "wav", duration_s=original.duration)
            except AudioRejected as exc:
                raise jobs.PermanentJobError(
                    f"The original cannot be read: {exc.detail}") from exc
            yield copy


def _cancel_check(ctx: jobs.JobContext, recording_id: str) -> Callable[[], bool]:
    factory: sessionmaker[Session] = ctx.services["session_factory"]
    return lambda: ctx.cancelled() or not _exists(factory, recording_id)


def _convert(ctx: jobs.JobContext, rec: Recording, original: Recording, out: Path) -> None:
    # here, not at the top: the engine (scipy, pyworld, pyloudnorm) loads with the first
    # conversion, not with every service start
    from voxbooth.engine.convert import ConversionCancelled, ConversionError, convert_file

    params = rec.params or {}
    try:
        profile = voice_profile(ctx.session, rec.model_id or "")
    except ProfileError as exc:
        raise jobs.PermanentJobError(f"The voice cannot be used: {exc}") from exc
    try:
        with _engine_input(ctx.blobs, original, ctx.services["scratch"]) as kept, \
                cleaned_if_asked(kept, params, ctx.services["scratch"],
                                 lambda f: ctx.progress(0.02 * f, "noise reduction")) as source:
            convert_file(
                source, out, profile, source_f0_hz=rec.calibration_value,
                semitones=float(params.get("semitones_correction") or 0.0),
                narration_style=params.get("narration_style"),
                # a private voice has one accent, its own, which the engine does not list
                accent_id=None if is_private(ctx.session, profile.voice_id)
                else params.get("accent_id"),
                progress=lambda fraction, stage: ctx.progress(0.02 + 0.9 * fraction, stage),
                cancelled=_cancel_check(ctx, rec.id))
    except ConversionCancelled as exc:
        raise jobs.JobCancelled() from exc
    except (ConversionError, ProfileError) as exc:
        raise jobs.PermanentJobError(f"The original cannot be converted: {exc}") from exc


def _store(ctx: jobs.JobContext, recording_id: str, out: Path) -> None:
    """Blobs first, then the row; if the row cannot be written the blobs go again."""
    import soundfile

    ctx.progress(0.95, "waveform")
    peaks = compute_peaks(out).to_bytes()
    info = soundfile.info(str(out))
    size_bytes = out.stat().st_size
    # The runner deletes these blobs again unless the row below is committed with the job.
    audio_key = ctx.store_file(out)
    peaks_key = ctx.store_bytes(peaks)
    rec = ctx.session.scalar(select(Recording).where(Recording.id == recording_id)
                             .execution_options(populate_existing=True))
    if rec is None or ctx.cancelled():
        raise jobs.JobCancelled()
    rec.blob_key, rec.waveform_key = audio_key, peaks_key
    rec.format, rec.mime, rec.file_name = "wav", "audio/wav", f"{slugify(rec.label)[:80]}.wav"
    rec.sample_rate, rec.channels, rec.frames = int(info.samplerate), 1, int(info.frames)
    rec.size, rec.duration = size_bytes, info.frames / info.samplerate
    rec.state, rec.process_stage, rec.progress, rec.error = "done", "done", 1.0, None
    rec.converted_at = utcnow()
    ctx.session.flush()


def convert_job(ctx: jobs.JobContext) -> None:
    recording_id = str(ctx.payload["recording_id"])
    rec = ctx.session.get(Recording, recording_id)
    if rec is None:
        raise jobs.JobCancelled()  # deleted while queued
    original = ctx.session.get(Recording, rec.original_id) if rec.original_id else None
    if original is None or original.blob_key is None:
        raise jobs.PermanentJobError("The original has no audio any more")
    if not ctx.blobs.exists(original.blob_key):
        raise jobs.PermanentJobError("The original's audio is missing from the store")
    ctx.progress(0.01, "starting")
    scratch: Scratch = ctx.services["scratch"]
    try:
        with scratch.file("conversion-", ".wav") as out:
            _convert(ctx, rec, original, out)
            _store(ctx, recording_id, out)
    except Exception as exc:
        # Deleted mid-way (its original's audio may have gone with it): a cancellation.
        if not isinstance(exc, jobs.JobCancelled) and _cancel_check(ctx, recording_id)():
            raise jobs.JobCancelled() from exc
        raise


# hooks: each runs in the runner's own short transaction ---------------------------------------

def _on_progress(session: Session, job: Job, fraction: float, stage: str | None) -> None:
    rec = session.get(Recording, job.subject_id) if job.subject_id else None
    if rec is not None and rec.state in ("new", "processing"):
        rec.state, rec.progress, rec.process_stage = "processing", fraction, stage


def _on_failed(session: Session, job: Job, detail: str) -> None:
    rec = session.get(Recording, job.subject_id) if job.subject_id else None
    if rec is not None:
        rec.state, rec.error, rec.process_stage = "error", detail, "error"
        credits.refund(session, rec.owner_id, rec.id)
    elif job.user_id and job.subject_id:
        credits.refund(session, job.user_id, job.subject_id)


def _on_cancelled(session: Session, job: Job) -> None:
    if job.user_id and job.subject_id:
        credits.refund(session, job.user_id, job.subject_id)
    rec = session.get(Recording, job.subject_id) if job.subject_id else None
    if rec is not None and rec.state != "done":
        rec.state, rec.error, rec.process_stage = "error", "The conversion was cancelled", "error"


def register(runner: jobs.JobRunner) -> None:
    runner.register(CONVERT_JOB, convert_job, on_progress=_on_progress, on_failed=_on_failed,
                    on_cancelled=_on_cancelled)
