"""Orders v2: one conversion recording per requested voice, charged and queued in one commit.

Everything is checked before anything is written (original, voices, accents, narration styles,
calibration), then the rows, their charges and their jobs are added and the balance checked; any
refusal rolls the whole order back, so a refused order leaves nothing queued and costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from voxbooth.server import jobs
from voxbooth.server.catalogue import Catalogue
from voxbooth.server.conversion import calibrations, credits
from voxbooth.server.conversion.convert_job import CONVERT_JOB
from voxbooth.server.errors import conflict, unprocessable
from voxbooth.server.models import Calibration, PrivateVoice, Recording
from voxbooth.server.schemas.orders import ConversionItem, OrderCreate, OrderQuote
from voxbooth.server.services import accounts, voices
from voxbooth.server.services.common import clean_name, own_recording
from voxbooth.server.settings import Settings

NEW = "new"


@dataclass
class _Planned:
    """One requested conversion, checked."""

    voice: dict[str, Any]
    accent_id: str | None
    style_id: str | None
    style_name: str | None
    semitones: float
    label: str


def _original(session: Session, user_id: str, original_id: str) -> Recording:
    original = own_recording(session, user_id, original_id)
    if original.type != "original":
        raise unprocessable("original_id names a conversion; order from its original take "
                            f"({original.original_id})")
    if original.blob_key is None or original.state != "done":
        raise conflict(f"The original has no audio yet (state: {original.state})")
    return original


def _calibration(session: Session, user_id: str, body: OrderCreate) -> Calibration | None:
    """The calibration an order starts from, as seed 002 says: the one named in
    `calibration_id` when `use_calibration` is true, else the account's enabled one (None: auto,
    the speaker's pitch is estimated from the original)."""
    named = None
    if body.calibration_id is not None:
        # an id that names nothing is a mistake worth a 404 even where it would not be used
        named = calibrations.own_calibration(session, user_id, str(body.calibration_id))
    if not body.use_calibration:
        return calibrations.enabled_calibration(session, user_id)
    if named is None:
        raise unprocessable("use_calibration is true but no calibration_id was given")
    if named.state != calibrations.CALIBRATED:
        raise conflict(f"Calibration {named.name!r} cannot be used (state: {named.state})")
    return named


def _voice(session: Session, catalogue: Catalogue, user_id: str,
           voice_id: str) -> dict[str, Any]:
    voice = voices.find_voice(session, catalogue, user_id, voice_id)
    if voice.get("visibility") == "private":
        private = session.get(PrivateVoice, voice_id)
        if private is None or not private.profile:
            state = private.state if private else "unknown"
            raise conflict(f"Voice {voice['name']!r} is not ready yet (state: {state}); "
                           "upload samples and wait until it is ready")
    return voice


def _plan(session: Session, catalogue: Catalogue, user_id: str, original: Recording,
          item: ConversionItem) -> _Planned:
    voice = _voice(session, catalogue, user_id, str(item.voice_id))
    accents = voice.get("accents", [])
    accent_id = str(item.accent_id) if item.accent_id else None
    if accent_id is not None and accent_id not in {a["id"] for a in accents}:
        raise unprocessable(f"Accent {accent_id} is not one of voice {voice['name']!r}'s "
                            "accents (see its `accents` in GET /api/v2/voices)")
    if accent_id is None:
        accent_id = next((a["id"] for a in accents if a.get("is_default")),
                         accents[0]["id"] if accents else None)
    style_id = str(item.narration_style_id) if item.narration_style_id else None
    styles = {s["id"]: s["info"]["name"] for s in voice.get("narration_styles", [])}
    if original.tts and style_id is None:
        raise unprocessable(f"narration_style_id is required to convert a TTS original "
                            f"(voice {voice['name']!r})")
    if style_id is not None and style_id not in styles:
        raise unprocessable(f"Narration style {style_id} is not one of voice "
                            f"{voice['name']!r}'s narration styles")
    # Narration styles shape TTS originals; a performed take keeps its own prosody.
    style_name = styles[style_id] if style_id is not None and original.tts else None
    semitones = item.semitones_correction
    if semitones is None:
        semitones = voices.accent_semitones(session, user_id, accent_id) if accent_id else 0.0
    label = clean_name(item.label, "label", 255) if item.label else \
        f"{original.label} as {voice['name']}"[:255]
    return _Planned(voice, accent_id, style_id, style_name, float(semitones), label)


def _conversion_row(original: Recording, plan: _Planned, cal: Calibration | None,
                    user_id: str) -> Recording:
    return Recording(
        owner_id=user_id, project_id=original.project_id,
        parent_folder_id=original.parent_folder_id, type="conversion", original_id=original.id,
        file_name="", label=plan.label, state=NEW, process_stage="queued", progress=0.0,
        model_id=plan.voice["id"], model_name=plan.voice["name"],
        calibration_id=cal.id if cal else None, calibration_value=cal.f0 if cal else None,
        calibration_name=cal.name if cal else None, microphone=original.microphone,
        params={
            "voice_id": plan.voice["id"], "accent_id": plan.accent_id,
            "narration_style_id": plan.style_id, "narration_style": plan.style_name,
            "semitones_correction": plan.semitones,
            "speaker_f0_from": "calibration" if cal else "original",
        },
    )


def _queue(session: Session, settings: Settings, rec: Recording) -> None:
    jobs.enqueue(session, CONVERT_JOB, {"recording_id": rec.id}, subject_id=rec.id,
                 user_id=rec.owner_id, max_attempts=settings.job_max_attempts)


@dataclass
class _Order:
    """An order checked and priced, nothing written yet."""

    original: Recording
    calibration: Calibration | None
    plans: list[_Planned]
    cost_per_voice: int  # credits each conversion is charged

    @property
    def cost(self) -> int:
        return self.cost_per_voice * len(self.plans)


def _check_order(session: Session, catalogue: Catalogue, user_id: str,
                 body: OrderCreate) -> _Order:
    """Every refusal an order can meet before it is written, and its price; writes nothing."""
    original = _original(session, user_id, str(body.original_id))
    if body.noise_reduction:
        from voxbooth.server.neural.noise_reduction import require_noise_reduction

        require_noise_reduction()  # refused before anything is charged
    # A TTS original has no speaker to calibrate: its f0 is estimated from itself.
    cal = None if original.tts else _calibration(session, user_id, body)
    plans = [_plan(session, catalogue, user_id, original, item) for item in body.conversions]
    return _Order(original, cal, plans, credits.conversion_cost(original.duration))


def quote(session: Session, catalogue: Catalogue, user_id: str, body: OrderCreate) -> OrderQuote:
    """What `place_order` would charge for `body` (the same checks and cost), without writing."""
    order = _check_order(session, catalogue, user_id, body)
    balance = accounts.credit_balance(session, user_id)
    return OrderQuote(credits=order.cost, per_voice=order.cost_per_voice, balance=balance,
                      enough=balance >= order.cost)


def place_order(session: Session, catalogue: Catalogue, settings: Settings, user_id: str,
                body: OrderCreate) -> list[Recording]:
    """Creates, charges and queues the conversions; commits, or raises with nothing written."""
    credits.lock_account(session, user_id)  # first: orders of one account queue here
    order = _check_order(session, catalogue, user_id, body)
    if credits.refund_deleted_unfinished(session, user_id):
        session.commit()  # owed whatever becomes of this order
        credits.lock_account(session, user_id)  # the commit let the lock go
    try:
        rows = [_conversion_row(order.original, plan, order.calibration, user_id)
                for plan in order.plans]
        if body.noise_reduction:
            for rec in rows:
                rec.params["noise_reduction"] = True
        session.add_all(rows)
        session.flush()
        for rec in rows:
            credits.charge(session, user_id, rec.id, order.cost_per_voice)
            _queue(session, settings, rec)
        credits.require_balance(session, user_id, order.cost)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return rows


def retry(session: Session, settings: Settings, user_id: str, recording_id: str) -> Recording:
    """Re-queues a failed conversion (charged again; the failure was refunded)."""
    credits.lock_account(session, user_id)
    rec = own_recording(session, user_id, recording_id)
    if rec.type != "conversion":
        raise unprocessable("Only a conversion can be retried; this recording is an original")
    if rec.state != "error":
        raise conflict(f"Only a failed conversion can be retried (state: {rec.state})")
    original = session.get(Recording, rec.original_id) if rec.original_id else None
    if original is None or original.blob_key is None:
        raise conflict("The original of this conversion has no audio any more")
    cost = credits.conversion_cost(original.duration)
    try:
        rec.state, rec.error, rec.progress, rec.process_stage = NEW, None, 0.0, "queued"
        credits.charge(session, user_id, rec.id, cost)
        _queue(session, settings, rec)
        credits.require_balance(session, user_id, cost)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return rec
