"""What was heard in a take: its words with times and how they differ from its script line."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from voxbooth.server.models.base import Base, UTCDateTime, created_column, id_column


class Transcript(Base):
    __tablename__ = "transcripts"

    id: Mapped[str] = id_column()
    recording_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("recordings.id", ondelete="CASCADE"), nullable=False,
        unique=True)
    owner_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    # queued -> processing -> done | error | unavailable (the model's package is not installed)
    state: Mapped[str] = mapped_column(String(16), default="queued", nullable=False)
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    model: Mapped[str | None] = mapped_column(String(32), nullable=True)
    script: Mapped[str | None] = mapped_column(Text, nullable=True)
    text: Mapped[str] = mapped_column(Text, default="", nullable=False)
    # lower-cased words, what the takes filter searches
    search_text: Mapped[str] = mapped_column(Text, default="", nullable=False)
    words: Mapped[list[Any]] = mapped_column(JSON, default=list, nullable=False)
    issues: Mapped[list[Any]] = mapped_column(JSON, default=list, nullable=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
