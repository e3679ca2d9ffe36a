"""An artist's library: projects hold nested folders, folders hold takes (originals) and the
conversions made from them, each take may carry a note."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voxbooth.server.models.base import Base, UTCDateTime, created_column, id_column


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[str] = id_column()
    owner_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    slug: Mapped[str] = mapped_column(String(200), nullable=False)
    # Unique per owner; what `GET /api/projects/by-url` looks up.
    url: Mapped[str] = mapped_column(String(255), nullable=False)
    models: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    created_at: Mapped[datetime] = created_column()
    last_recording_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (Index("ix_projects_owner_url", "owner_id", "url", unique=True),)


class Folder(Base):
    __tablename__ = "folders"

    id: Mapped[str] = id_column()
    project_id: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True, nullable=False
    )
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("folders.id", ondelete="CASCADE"), index=True, nullable=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    created_at: Mapped[datetime] = created_column()


class Recording(Base):
    """A take (`type="original"`) or a conversion of one into a voice (`type="conversion"`)."""

    __tablename__ = "recordings"

    id: Mapped[str] = id_column()
    owner_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    project_id: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    parent_folder_id: Mapped[str | None] = mapped_column(
        ForeignKey("folders.id", ondelete="CASCADE"), nullable=True
    )
    type: Mapped[str] = mapped_column(String(16), default="original", nullable=False)
    original_id: Mapped[str | None] = mapped_column(
        ForeignKey("recordings.id", ondelete="CASCADE"), index=True, nullable=True
    )
    file_name: Mapped[str] = mapped_column(String(255), default="", nullable=False)
    label: Mapped[str] = mapped_column(String(255), default="", nullable=False)
    # original: done; conversion: new -> processing -> done | error
    state: Mapped[str] = mapped_column(String(16), default="done", nullable=False)
    process_stage: Mapped[str | None] = mapped_column(String(64), nullable=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    model_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    model_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    calibration_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    calibration_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    calibration_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    microphone: Mapped[str | None] = mapped_column(String(200), nullable=True)
    starred: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    tts: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    tts_voice: Mapped[str | None] = mapped_column(String(200), nullable=True)
    tts_voice_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    # voice_id, accent_id, narration_style_id, semitones_correction, ... of a conversion
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    listen_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    # the audio: None for a conversion not yet made
    blob_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    waveform_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    format: Mapped[str | None] = mapped_column(String(16), nullable=True)
    mime: Mapped[str | None] = mapped_column(String(64), nullable=True)
    sample_rate: Mapped[int | None] = mapped_column(Integer, nullable=True)
    channels: Mapped[int | None] = mapped_column(Integer, nullable=True)
    frames: Mapped[int | None] = mapped_column(Integer, nullable=True)
    size: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    duration: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    created_at: Mapped[datetime] = created_column()
    converted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    note: Mapped[Note | None] = relationship(
        back_populates="recording", uselist=False, lazy="selectin",
        cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        Index("ix_recordings_project_created", "project_id", "created_at"),
        Index("ix_recordings_folder_created", "parent_folder_id", "created_at"),
        Index("ix_recordings_owner_type", "owner_id", "type"),
    )


class Note(Base):
    """The artist's note on a recording (one per recording)."""

    __tablename__ = "notes"

    id: Mapped[str] = id_column()
    recording_id: Mapped[str] = mapped_column(
        ForeignKey("recordings.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    text: Mapped[str] = mapped_column(Text, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    recording: Mapped[Recording] = relationship(back_populates="note")
