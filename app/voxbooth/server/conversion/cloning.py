"""Voice cloning in the manner of seed 000: a private voice, samples uploaded to it, a profile.

States of a voice and of each sample: `uploaded -> processing -> ready | failed`. Every upload
queues a `clone` job for its voice, which checks each new sample on its own (a sample with too
little voiced speech fails with the reason) and estimates the voice's profile (f0 statistics and
long-term envelope, `voxbooth.engine.clone`) from all its ready samples together. A ready voice is
listed by `GET /api/v2/voices?visibility=private` and can be ordered like any other.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from voxbooth.server import jobs
from voxbooth.server.blobs import BlobStore
from voxbooth.server.db import utcnow
from voxbooth.server.errors import not_found
from voxbooth.server.media import VOICE_SAMPLES, AudioRejected, probe, read_audio
from voxbooth.server.models import AccentSample, Job, PrivateVoice, VoiceSample
from voxbooth.server.schemas.voice_samples import (
    PrivateVoiceCreate,
    PrivateVoicePublic,
    VoiceSamplePublic,
)
from voxbooth.server.services.common import clean_name, slugify
from voxbooth.server.uploads import ReceivedUpload, safe_filename

if TYPE_CHECKING:
    import numpy as np

CLONE_JOB = "clone"
UPLOADED, PROCESSING, READY, FAILED = "uploaded", "processing", "ready", "failed"
_ANALYSIS_RATE_HZ = 16_000


def pitch_group(pitch_hz: float) -> str:
    """The catalogue's pitch groups, by where the voice's median f0 lies."""
    return "low" if pitch_hz < 140.0 else "mid" if pitch_hz < 220.0 else "high"


def sample_public(sample: VoiceSample) -> VoiceSamplePublic:
    return VoiceSamplePublic(
        id=sample.id, name=sample.name, filename=sample.filename, status=sample.status,
        created_at=sample.created_at, description=sample.description, tags=sample.tags,
        duration=sample.duration, error=sample.error)


def voice_public(session: Session, voice: PrivateVoice) -> PrivateVoicePublic:
    return PrivateVoicePublic(
        id=voice.id, owner_id=voice.owner_id, name=voice.name, slug=voice.slug,
        description=voice.description, status=voice.state, error=voice.error,
        gender=voice.gender, age_group=voice.age_group, nationality=voice.nationality,
        pitch=voice.pitch, pitch_group=voice.pitch_group, created_at=voice.created_at,
        ready_at=voice.ready_at, samples=[sample_public(s) for s in samples_of(session, voice.id)])


def samples_of(session: Session, voice_id: str) -> list[VoiceSample]:
    return list(session.scalars(select(VoiceSample).where(VoiceSample.voice_id == voice_id)
                                .order_by(VoiceSample.created_at, VoiceSample.id)))


def own_voice(session: Session, user_id: str, voice_id: str) -> PrivateVoice:
    voice = session.get(PrivateVoice, voice_id)
    if voice is None or voice.owner_id != user_id or not voice.active:
        raise not_found("Private voice")
    return voice


def list_voices(session: Session, user_id: str) -> list[PrivateVoice]:
    return list(session.scalars(select(PrivateVoice).where(
        PrivateVoice.owner_id == user_id, PrivateVoice.active.is_(True))
        .order_by(PrivateVoice.created_at, PrivateVoice.id)))


def create_voice(session: Session, user_id: str, body: PrivateVoiceCreate) -> PrivateVoice:
    name = clean_name(body.name, "voice name")
    voice_id = str(uuid.uuid4())
    voice = PrivateVoice(
        id=voice_id, owner_id=user_id, name=name, slug=f"{slugify(name)}-{voice_id[:8]}",
        description=(body.description or "").strip(), species="human",
        gender=body.gender.value if body.gender else None,
        age_group=body.age_group.value if body.age_group else None,
        nationality=(body.nationality or "").strip() or None, state=UPLOADED,
        accent_id=str(uuid.uuid4()), narration_style_id=str(uuid.uuid4()), profile={})
    session.add(voice)
    session.flush()
    return voice


def _queue_clone(session: Session, voice: PrivateVoice) -> None:
    voice.state, voice.error = PROCESSING, None
    jobs.enqueue(session, CLONE_JOB, {"voice_id": voice.id}, subject_id=voice.id,
                 user_id=voice.owner_id)


def add_sample(session: Session, blobs: BlobStore, user_id: str, voice_id: str,
               upload: ReceivedUpload) -> VoiceSample:
    """Keeps an uploaded sample and queues the voice's processing; commits, or keeps nothing."""
    voice = own_voice(session, user_id, voice_id)
    filename = safe_filename(upload.filename) or "sample"
    name = clean_name(upload.fields.get("name") or Path(filename).stem or "Sample", "name")
    description = (upload.fields.get("description") or "").strip()[:2000] or None
    tags = ",".join(t.strip() for t in (upload.fields.get("tags") or "").split(",")
                    if t.strip())[:1000] or None
    info = probe(upload.path, VOICE_SAMPLES)  # 10 s to 10 min, bounded decoded size
    key = blobs.put_file(upload.path)
    try:
        sample = VoiceSample(voice_id=voice.id, user_id=user_id, name=name, filename=filename,
                             description=description, tags=tags, status=UPLOADED, blob_key=key,
                             format=info.format, sample_rate=info.sample_rate,
                             channels=info.channels, size=info.size_bytes,
                             duration=info.duration_s)
        session.add(sample)
        session.flush()
        _queue_clone(session, voice)
        session.commit()
    except BaseException:
        session.rollback()
        blobs.delete(key)
        raise
    return sample


def delete_voice(session: Session, user_id: str, voice_id: str) -> list[str]:
    """Deletes the voice and its samples; returns the blob keys to delete after the commit."""
    voice = own_voice(session, user_id, voice_id)
    keys = [s.blob_key for s in samples_of(session, voice.id) if s.blob_key]
    for cached in session.scalars(select(AccentSample).where(AccentSample.voice_id == voice.id)):
        keys += [cached.blob_key] if cached.blob_key else []
        session.delete(cached)
    jobs.cancel_subject(session, voice.id)
    session.delete(voice)
    session.flush()
    return keys


def delete_sample(session: Session, user_id: str, voice_id: str, sample_id: str) -> VoiceSample:
    """Deletes one sample; the voice is re-estimated from what is left."""
    voice = own_voice(session, user_id, voice_id)
    sample = session.get(VoiceSample, sample_id)
    if sample is None or sample.voice_id != voice.id:
        raise not_found("Voice sample")
    session.delete(sample)
    session.flush()
    if samples_of(session, voice.id):
        _queue_clone(session, voice)
    else:
        voice.state, voice.error, voice.profile, voice.ready_at = UPLOADED, None, {}, None
    session.flush()
    return sample


# the job ------------------------------------------------------------------------------------

def _superseded(ctx: jobs.JobContext, voice_id: str) -> bool:
    """A later clone job of the same voice will see every sample: this one can stop."""
    mine = ctx.session.get(Job, ctx.job_id)
    if mine is None:
        return True
    later = ctx.session.scalar(select(Job.id).where(
        Job.kind == CLONE_JOB, Job.subject_id == voice_id, Job.id != ctx.job_id,
        Job.state.in_((jobs.QUEUED, jobs.RUNNING)), Job.created_at > mine.created_at))
    return later is not None


def _read(blobs: BlobStore, sample: VoiceSample) -> np.ndarray:
    with blobs.local_copy(sample.blob_key or "") as path:
        try:
            samples, _ = read_audio(path, mono=True, target_rate_hz=_ANALYSIS_RATE_HZ,
                                    limits=VOICE_SAMPLES)
        except AudioRejected as exc:  # another attempt would decode it no better
            raise jobs.PermanentJobError(f"{sample.name}: {exc.detail}") from exc
    return samples


def _check_new_samples(ctx: jobs.JobContext, samples: list[VoiceSample]) -> None:
    """Each new sample alone must hold enough voiced speech; the verdict goes on the sample."""
    from voxbooth.engine.clone import CloneError, estimate_profile  # the DSP loads when used

    for index, sample in enumerate(samples):
        if sample.status == READY:
            continue
        if ctx.cancelled():
            raise jobs.JobCancelled()
        ctx.progress(0.1 + 0.5 * index / max(len(samples), 1), "checking samples")
        try:
            estimate_profile([(_read(ctx.blobs, sample), _ANALYSIS_RATE_HZ)])
            sample.status, sample.error = READY, None
        except CloneError as exc:
            sample.status, sample.error = FAILED, str(exc)


def clone_job(ctx: jobs.JobContext) -> None:
    from voxbooth.engine.clone import CloneError, estimate_profile  # the DSP loads when used

    voice_id = str(ctx.payload["voice_id"])
    voice = ctx.session.get(PrivateVoice, voice_id)
    if voice is None or _superseded(ctx, voice_id):
        return
    samples = samples_of(ctx.session, voice_id)
    _check_new_samples(ctx, samples)
    ready = [s for s in samples if s.status == READY]
    if not ready:
        reasons = "; ".join(f"{s.name}: {s.error}" for s in samples if s.error)
        voice.state = FAILED
        voice.error = f"No usable sample ({reasons or 'no samples'})"
        ctx.session.flush()
        return
    ctx.progress(0.7, "estimating the voice")
    try:
        profile = estimate_profile([(_read(ctx.blobs, s), _ANALYSIS_RATE_HZ) for s in ready],
                                   voice_id=voice.id, name=voice.name, slug=voice.slug)
    except CloneError as exc:
        voice.state, voice.error = FAILED, str(exc)
        ctx.session.flush()
        return
    voice.profile = profile.to_dict()
    voice.pitch = round(profile.pitch_hz, 1)
    voice.pitch_group = pitch_group(profile.pitch_hz)
    voice.state, voice.error, voice.ready_at = READY, None, utcnow()
    ctx.session.flush()


def _on_progress(session: Session, job: Job, fraction: float, stage: str | None) -> None:
    if job.subject_id is None:
        return
    session.execute(update(VoiceSample).where(VoiceSample.voice_id == job.subject_id,
                                              VoiceSample.status == UPLOADED)
                    .values(status=PROCESSING))


def _on_failed(session: Session, job: Job, detail: str) -> None:
    voice = session.get(PrivateVoice, job.subject_id) if job.subject_id else None
    if voice is None:
        return
    voice.state, voice.error = FAILED, f"The samples could not be processed: {detail}"
    session.execute(update(VoiceSample).where(VoiceSample.voice_id == voice.id,
                                              VoiceSample.status == PROCESSING)
                    .values(status=FAILED, error=detail))


def register(runner: jobs.JobRunner) -> None:
    runner.register(CLONE_JOB, clone_job, on_progress=_on_progress, on_failed=_on_failed)
