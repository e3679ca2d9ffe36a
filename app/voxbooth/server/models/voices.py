"""Voice-related rows: the artist's settings for catalogue voices, calibrations, private (cloned)
voices and their samples, and the cache of accent samples."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from voxbooth.server.models.base import Base, UTCDateTime, created_column, id_column


class VoiceSetting(Base):
    """A user's favourite / semitone setting on a voice, one of its accents or narration styles.

    `target_kind` is "voice", "accent" or "narration_style"; `target_id` the id of that thing.
    """

    __tablename__ = "voice_settings"

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    voice_id: Mapped[str] = mapped_column(String(36), nullable=False)
    target_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    target_id: Mapped[str] = mapped_column(String(36), nullable=False)
    favorite: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    semitones_correction: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    updated_at: Mapped[datetime] = created_column()

    __table_args__ = (
        Index("ix_voice_settings_target", "user_id", "target_kind", "target_id", unique=True),
        Index("ix_voice_settings_user_voice", "user_id", "voice_id"),
    )


class Calibration(Base):
    """A recording of the artist's natural voice from which their f0 is measured."""

    __tablename__ = "calibrations"

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    f0: Mapped[float | None] = mapped_column(Float, nullable=True)
    algorithm: Mapped[str | None] = mapped_column(String(64), nullable=True)
    bucket: Mapped[str] = mapped_column(String(64), default="blobs", nullable=False)
    key: Mapped[str | None] = mapped_column(String(64), nullable=True)  # blob key
    state: Mapped[str] = mapped_column(String(16), default="processing", nullable=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    format: Mapped[str | None] = mapped_column(String(16), nullable=True)
    sample_rate: Mapped[int | None] = mapped_column(Integer, nullable=True)
    channels: Mapped[int | None] = mapped_column(Integer, nullable=True)
    size: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    duration: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    created_at: Mapped[datetime] = created_column()
    calibrated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (Index("ix_calibrations_user_name", "user_id", "name", unique=True),)


class PrivateVoice(Base):
    """A voice cloned from the owner's samples; listed with `visibility=private` once ready."""

    __tablename__ = "private_voices"

    id: Mapped[str] = id_column()
    owner_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    slug: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, default="", nullable=False)
    species: Mapped[str] = mapped_column(String(16), default="human", nullable=False)
    gender: Mapped[str | None] = mapped_column(String(16), nullable=True)
    age_group: Mapped[str | None] = mapped_column(String(16), nullable=True)
    pitch: Mapped[float | None] = mapped_column(Float, nullable=True)
    pitch_group: Mapped[str | None] = mapped_column(String(16), nullable=True)
    nationality: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # uploaded -> processing -> ready | failed
    state: Mapped[str] = mapped_column(String(16), default="uploaded", nullable=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # f0 statistics, formant scale, long-term envelope: whatever the engine estimates
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    accent_id: Mapped[str] = mapped_column(String(36), nullable=False)
    narration_style_id: Mapped[str] = mapped_column(String(36), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    created_at: Mapped[datetime] = created_column()
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class VoiceSample(Base):
    """One uploaded sample of a private voice (the `voice_sample` of seed 000)."""

    __tablename__ = "voice_samples"

    id: Mapped[str] = id_column()
    voice_id: Mapped[str] = mapped_column(
        ForeignKey("private_voices.id", ondelete="CASCADE"), index=True, nullable=False
    )
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    filename: Mapped[str] = mapped_column(String(255), default="", nullable=False)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    tags: Mapped[str | None] = mapped_column(Text, nullable=True)
    # uploaded -> processing -> ready | failed
    status: Mapped[str] = mapped_column(String(16), default="uploaded", nullable=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    blob_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    format: Mapped[str | None] = mapped_column(String(16), nullable=True)
    sample_rate: Mapped[int | None] = mapped_column(Integer, nullable=True)
    channels: Mapped[int | None] = mapped_column(Integer, nullable=True)
    size: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    duration: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    created_at: Mapped[datetime] = created_column()


class AccentSample(Base):
    """A reference phrase converted once per (voice, accent) and then served from the cache."""

    __tablename__ = "accent_samples"

    id: Mapped[str] = id_column()
    voice_id: Mapped[str] = mapped_column(String(36), nullable=False)
    accent_id: Mapped[str] = mapped_column(String(36), nullable=False)
    blob_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    format: Mapped[str] = mapped_column(String(16), default="wav", nullable=False)
    duration: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    state: Mapped[str] = mapped_column(String(16), default="processing", nullable=False)
    created_at: Mapped[datetime] = created_column()

    __table_args__ = (
        Index("ix_accent_samples_accent_voice", "accent_id", "voice_id", unique=True),
    )
