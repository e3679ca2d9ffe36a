from __future__ import annotations

from pydantic import BaseModel


class MonthDuration(BaseModel):
    month: str  # first day of the month, YYYY-MM-DD
    duration: float  # seconds


class TimeConverted(BaseModel):
    total: float  # seconds of finished conversions
    current_month: float
    previous_monthes: list[MonthDuration]  # (sic) as the seed spells it


class ConversionCounts(BaseModel):
    total: int
    completed: int
    in_progress: int
    failed: int


class ModelStats(BaseModel):
    id: str
    name: str
    conversions_count: int
    converted_time: float


class AccountStats(BaseModel):
    time_converted: TimeConverted
    conversions: ConversionCounts
    models: list[ModelStats]


class ProjectTime(BaseModel):
    total: float
    current_month: float


class ProjectStats(BaseModel):
    project_id: str
    time_converted: ProjectTime
    conversions: ConversionCounts


class FolderStats(BaseModel):
    folder_id: str
    stats: ConversionCounts
