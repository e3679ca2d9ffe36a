"""Calibrations: a reading of the artist's natural voice, measured by a job into an f0.

`processing -> calibrated | error`: a reading the engine cannot measure (no voiced speech, too
little of it) ends in `error` with the reason; audio outside 10 s to 10 min is refused at upload.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from voxbooth.server import jobs
from voxbooth.server.blobs import BlobStore
from voxbooth.server.db import utcnow
from voxbooth.server.errors import conflict, not_found, unprocessable
from voxbooth.server.media import CALIBRATIONS, AudioRejected, probe, read_audio
from voxbooth.server.models import Calibration, Job
from voxbooth.server.schemas.calibrations import CalibrationPublic
from voxbooth.server.services.common import clean_name
from voxbooth.server.uploads import ReceivedUpload

CALIBRATE_JOB = "calibrate"
PROCESSING, CALIBRATED, ERROR = "processing", "calibrated", "error"
_ANALYSIS_RATE_HZ = 16_000  # the engine analyses at 16 kHz: reading at it bounds memory


def to_public(cal: Calibration) -> CalibrationPublic:
    return CalibrationPublic(
        id=cal.id, name=cal.name, user_id=cal.user_id, f0=cal.f0, algorithm=cal.algorithm,
        bucket=cal.bucket, key=cal.key, state=cal.state, error=cal.error,
        created_at=cal.created_at, calibrated_at=cal.calibrated_at, enabled=cal.enabled)


def own_calibration(session: Session, user_id: str, calibration_id: str) -> Calibration:
    cal = session.get(Calibration, calibration_id)
    if cal is None or cal.user_id != user_id:
        raise not_found("Calibration")
    return cal


def enabled_calibration(session: Session, user_id: str) -> Calibration | None:
    return session.scalar(select(Calibration).where(
        Calibration.user_id == user_id, Calibration.enabled.is_(True),
        Calibration.state == CALIBRATED))


def list_calibrations(session: Session, user_id: str) -> list[Calibration]:
    return list(session.scalars(select(Calibration).where(Calibration.user_id == user_id)
                                .order_by(Calibration.created_at, Calibration.id)))


def _name_taken(session: Session, user_id: str, name: str) -> bool:
    return session.scalar(select(Calibration.id).where(
        Calibration.user_id == user_id, Calibration.name == name)) is not None


def create_calibration(session: Session, blobs: BlobStore, user_id: str,
                       upload: ReceivedUpload) -> Calibration:
    """Keeps the reading and queues its measurement; the row and its job commit together."""
    raw_name = upload.fields.get("name")
    if raw_name is None:
        raise unprocessable("name is required: a unique name for the calibration")
    name = clean_name(raw_name, "calibration name")
    if _name_taken(session, user_id, name):
        raise conflict(f"A calibration named {name!r} already exists")
    info = probe(upload.path, CALIBRATIONS)  # 10 s to 10 min, bounded decoded size
    key = blobs.put_file(upload.path)
    try:
        cal = Calibration(user_id=user_id, name=name, key=key, state=PROCESSING,
                          format=info.format, sample_rate=info.sample_rate,
                          channels=info.channels, size=info.size_bytes,
                          duration=info.duration_s, enabled=False)
        session.add(cal)
        session.flush()
        jobs.enqueue(session, CALIBRATE_JOB, {"calibration_id": cal.id}, subject_id=cal.id,
                     user_id=user_id)
        session.commit()
    except IntegrityError as exc:  # the same name created by a racing request
        session.rollback()
        blobs.delete(key)
        raise conflict(f"A calibration named {name!r} already exists") from exc
    except BaseException:
        session.rollback()
        blobs.delete(key)
        raise
    return cal


def enable(session: Session, user_id: str, calibration_id: str) -> Calibration:
    cal = own_calibration(session, user_id, calibration_id)
    if cal.state != CALIBRATED:
        raise conflict(f"Only a calibrated calibration can be enabled (this one is {cal.state})")
    use_auto(session, user_id)
    cal.enabled = True
    session.flush()
    return cal


def use_auto(session: Session, user_id: str) -> None:
    session.execute(update(Calibration).where(Calibration.user_id == user_id)
                    .values(enabled=False))


def delete_calibration(session: Session, user_id: str, calibration_id: str) -> Calibration:
    """Deletes the row (a queued measurement is cancelled); the caller deletes `cal.key`."""
    cal = own_calibration(session, user_id, calibration_id)
    jobs.cancel_subject(session, cal.id)
    session.delete(cal)
    session.flush()
    return cal


# the job ------------------------------------------------------------------------------------

def _calibrate_job(ctx: jobs.JobContext) -> None:
    cal = ctx.session.get(Calibration, ctx.payload["calibration_id"])
    if cal is None or cal.key is None:
        return  # deleted meanwhile
    ctx.progress(0.1, "reading")
    with ctx.blobs.local_copy(cal.key) as path:
        try:
            samples, rate_hz = read_audio(path, mono=True, target_rate_hz=_ANALYSIS_RATE_HZ,
                                          limits=CALIBRATIONS)
        except AudioRejected as exc:  # another attempt would decode it no better
            raise jobs.PermanentJobError(exc.detail) from exc
    if ctx.cancelled():
        raise jobs.JobCancelled()
    ctx.progress(0.4, "measuring")
    # here, not at the top: the DSP (scipy, pyworld) stays off the service's start-up path
    from voxbooth.engine.calibrate import CalibrationError, estimate_speaker_f0

    try:
        result = estimate_speaker_f0(samples, rate_hz)
    except CalibrationError as exc:
        cal.state, cal.error, cal.f0 = ERROR, exc.reason, None
        ctx.session.flush()
        return
    cal.f0 = round(float(result.f0_hz), 2)
    cal.algorithm = result.algorithm
    cal.state, cal.error, cal.calibrated_at = CALIBRATED, None, utcnow()
    ctx.session.flush()


def _calibration_failed(session: Session, job: Job, detail: str) -> None:
    cal = session.get(Calibration, job.subject_id) if job.subject_id else None
    if cal is not None:
        cal.state, cal.error = ERROR, f"The reading could not be measured: {detail}"


def register(runner: jobs.JobRunner) -> None:
    runner.register(CALIBRATE_JOB, _calibrate_job, on_failed=_calibration_failed)
