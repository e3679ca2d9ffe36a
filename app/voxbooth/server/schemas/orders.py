"""Orders v2: convert an original into one or more voices."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

MAX_CONVERSIONS_PER_ORDER = 32


class ConversionItem(BaseModel):
    voice_id: uuid.UUID
    narration_style_id: uuid.UUID | None = Field(
        None, description="Required when the original is a TTS recording")
    accent_id: uuid.UUID | None = None
    semitones_correction: float | None = Field(
        None, ge=-24, le=24,
        description="Semitones added to the voice's pitch; when absent, the value saved for "
                    "the accent with POST /api/v2/voices/settings (else 0)")
    label: str | None = Field(None, max_length=255)


class OrderCreate(BaseModel):
    original_id: uuid.UUID
    conversions: list[ConversionItem] = Field(min_length=1, max_length=MAX_CONVERSIONS_PER_ORDER)
    calibration_id: uuid.UUID | None = None
    use_calibration: bool = False
    noise_reduction: bool = Field(
        False, description="convert a copy of the original cleaned of background noise "
                           "(the original itself is kept as it is)")


class OrderQuote(BaseModel):
    """What an order would cost: `POST /api/v2/orders/quote` answers with the charging rule."""

    credits: int = Field(description="The whole order: per_voice times the voices")
    per_voice: int = Field(description="One conversion: one credit per started minute")
    balance: int = Field(description="Credits the account has now")
    enough: bool = Field(description="Whether the balance covers the order")
