"""Waveform peaks of a recording: computed by a job after upload, served as JSON."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import HTTPException
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from voxbooth.server import jobs
from voxbooth.server.blobs import BlobStore
from voxbooth.server.errors import unprocessable
from voxbooth.server.media import AudioRejected, waveform_peaks
from voxbooth.server.models import Job, Recording

if TYPE_CHECKING:
    from voxbooth.dsp.peaks import PeakPyramid

WAVEFORM_JOB = "waveform"


_BLOCK_FRAMES = 65536
OVERVIEW_PEAKS = 4096  # the default level: fine enough for a full-width overview


def compute_peaks(path: Path) -> PeakPyramid:
    """Min/max pyramid of a file the service wrote itself (a conversion), read block by block
    in this process. Uploaded audio goes through `waveform_peaks` (the audio worker)."""
    from voxbooth.dsp.peaks import PeakBuilder
    from voxbooth.server.media.decode import audio_rate_hz, read_audio_blocks

    builder = PeakBuilder(audio_rate_hz(path))
    for block in read_audio_blocks(path, _BLOCK_FRAMES):
        builder.add(block)
    return builder.pyramid()


def _waveform_job(ctx: jobs.JobContext) -> None:
    rec = ctx.session.get(Recording, ctx.payload["recording_id"])
    if rec is None or rec.blob_key is None:
        return  # deleted meanwhile: nothing to draw
    ctx.progress(0.1, "peaks")
    with ctx.blobs.local_copy(rec.blob_key) as source:
        try:
            pyramid = waveform_peaks(source, duration_s=rec.duration)
        except AudioRejected as exc:  # fails once with the reason; another attempt would not
            raise jobs.PermanentJobError(exc.detail) from exc
    if ctx.cancelled():
        raise jobs.JobCancelled()
    ctx.delete_when_done(rec.waveform_key)
    rec.waveform_key = ctx.store_bytes(pyramid.to_bytes())
    ctx.session.flush()


def register_jobs(runner: jobs.JobRunner) -> None:
    runner.register(WAVEFORM_JOB, _waveform_job)


def enqueue_waveform(session: Session, rec: Recording) -> None:
    """Queues the peaks of `rec`'s audio (call in the transaction that stores the audio)."""
    jobs.enqueue(session, WAVEFORM_JOB, {"recording_id": rec.id}, subject_id=rec.id,
                 user_id=rec.owner_id)


def _ensure_pending(session: Session, rec: Recording) -> None:
    """Audio stored without a peaks job: queue one rather than wait forever. A job that failed
    for good (its audio cannot be decoded: it stopped before using its attempts) is not queued
    again, the reason is answered instead; one that ran out of attempts on errors of the
    moment (a full disk) is queued afresh."""
    latest = session.execute(
        select(Job.state, Job.error, Job.attempts, Job.max_attempts)
        .where(Job.subject_id == rec.id, Job.kind == WAVEFORM_JOB)
        .order_by(Job.created_at.desc(), Job.id.desc()).limit(1)).first()
    if latest is not None and latest.state == jobs.FAILED \
            and latest.attempts < latest.max_attempts:
        raise unprocessable(
            f"The waveform cannot be drawn: {latest.error or 'the audio could not be decoded'}")
    if latest is None or latest.state not in (jobs.QUEUED, jobs.RUNNING):
        enqueue_waveform(session, rec)
        session.commit()


def waveform_response(session: Session, blobs: BlobStore, rec: Recording, *,
                      level: int | None, samples_per_pixel: float | None, start_frame: int,
                      end_frame: int | None, binary: bool) -> Response:
    """The peaks as JSON (one level, optionally one span), or the whole pyramid as bytes."""
    if rec.blob_key is None:
        raise HTTPException(status_code=409,
                            detail=f"The audio is not ready yet (state: {rec.state})")
    if rec.waveform_key is None:
        _ensure_pending(session, rec)
        return JSONResponse({"detail": "Waveform peaks are still being computed"},
                            status_code=202, headers={"Retry-After": "1"})
    with blobs.open(rec.waveform_key) as stored:
        data = stored.read()
    if binary:
        return Response(data, media_type="application/octet-stream")
    from voxbooth.dsp.peaks import PeakPyramid

    pyramid = PeakPyramid.from_bytes(data)
    if level is not None:
        if level >= len(pyramid.levels):
            raise unprocessable(f"level must be below {len(pyramid.levels)}")
        chosen = pyramid.levels[level]
    elif samples_per_pixel is not None:
        chosen = pyramid.level_for(samples_per_pixel)
    else:
        chosen = next((lvl for lvl in pyramid.levels if len(lvl) <= OVERVIEW_PEAKS),
                      pyramid.levels[-1])
    return JSONResponse(pyramid.to_json(chosen, start_frame=start_frame, end_frame=end_frame))
