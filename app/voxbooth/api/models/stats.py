from __future__ import annotations

from pydantic import Field

from voxbooth.api.models.base import VoxModel


class MonthDuration(VoxModel):
    month: str | None = None
    duration: float = 0  # seconds


class TimeConverted(VoxModel):
    total: float = 0  # seconds
    current_month: float = 0
    previous_monthes: list[MonthDuration] = Field(default_factory=list)  # sic, as the seed


class ConversionCounts(VoxModel):
    total: int = 0
    completed: int = 0
    in_progress: int = 0
    failed: int = 0


class VoiceStats(VoxModel):
    id: str | None = None
    name: str | None = None
    conversions_count: int = 0
    converted_time: float = 0


class AccountStats(VoxModel):
    time_converted: TimeConverted = Field(default_factory=TimeConverted)
    conversions: ConversionCounts = Field(default_factory=ConversionCounts)
    models: list[VoiceStats] = Field(default_factory=list)


class ProjectStats(VoxModel):
    project_id: str
    time_converted: TimeConverted = Field(default_factory=TimeConverted)
    conversions: ConversionCounts = Field(default_factory=ConversionCounts)


class FolderStats(VoxModel):
    folder_id: str
    stats: ConversionCounts = Field(default_factory=ConversionCounts)
