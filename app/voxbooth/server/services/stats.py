"""Statistics computed from the recordings table: conversions by state, time converted."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from voxbooth.server.db import utcnow
from voxbooth.server.models import Folder, Project, Recording
from voxbooth.server.schemas.stats import (
    AccountStats,
    ConversionCounts,
    FolderStats,
    ModelStats,
    MonthDuration,
    ProjectStats,
    ProjectTime,
    TimeConverted,
)
from voxbooth.server.services.common import own_folder, own_project

_IN_PROGRESS = {"new", "queued", "processing"}


def _month(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}-01"


def _conversions(session: Session, *conditions: Any) -> list[Any]:
    return list(session.execute(
        select(Recording.state, Recording.duration, Recording.converted_at, Recording.model_id,
               Recording.model_name, Recording.project_id, Recording.parent_folder_id)
        .where(Recording.type == "conversion", *conditions)
    ).all())


def _counts(rows: list[Any]) -> ConversionCounts:
    states = [row.state for row in rows]
    return ConversionCounts(
        total=len(states), completed=sum(s == "done" for s in states),
        in_progress=sum(s in _IN_PROGRESS for s in states),
        failed=sum(s == "error" for s in states),
    )


def _done_seconds(rows: list[Any], month: str | None = None) -> float:
    return float(sum(
        row.duration for row in rows
        if row.state == "done" and (month is None or (row.converted_at
                                                      and _month(row.converted_at) == month))
    ))


def account_stats(session: Session, user_id: str) -> AccountStats:
    rows = _conversions(session, Recording.owner_id == user_id)
    this_month = _month(utcnow())
    by_month: dict[str, float] = defaultdict(float)
    by_model: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        if row.state == "done" and row.converted_at is not None:
            by_month[_month(row.converted_at)] += float(row.duration)
        by_model[row.model_id or ""].append(row)
    previous = [MonthDuration(month=m, duration=d) for m, d in sorted(by_month.items(),
                                                                      reverse=True)
                if m < this_month]
    models = [ModelStats(id=model_id, name=group[0].model_name or "", conversions_count=len(group),
                         converted_time=_done_seconds(group))
              for model_id, group in sorted(by_model.items()) if model_id]
    return AccountStats(
        time_converted=TimeConverted(total=_done_seconds(rows),
                                     current_month=by_month.get(this_month, 0.0),
                                     previous_monthes=previous),
        conversions=_counts(rows), models=models,
    )


def project_stats(session: Session, user_id: str, project_ids: list[str]) -> list[ProjectStats]:
    if project_ids:
        ids = [own_project(session, user_id, pid).id for pid in dict.fromkeys(project_ids)]
    else:
        ids = list(session.scalars(select(Project.id).where(Project.owner_id == user_id)
                                   .order_by(Project.created_at)))
    rows = _conversions(session, Recording.owner_id == user_id, Recording.project_id.in_(ids))
    this_month = _month(utcnow())
    result = []
    for pid in ids:
        mine = [row for row in rows if row.project_id == pid]
        result.append(ProjectStats(
            project_id=pid,
            time_converted=ProjectTime(total=_done_seconds(mine),
                                       current_month=_done_seconds(mine, this_month)),
            conversions=_counts(mine)))
    return result


def folder_stats(session: Session, user_id: str, folder_ids: list[str]) -> list[FolderStats]:
    if folder_ids:
        ids = [own_folder(session, user_id, fid).id for fid in dict.fromkeys(folder_ids)]
    else:
        ids = list(session.scalars(
            select(Folder.id).join(Project, Project.id == Folder.project_id)
            .where(Project.owner_id == user_id).order_by(Folder.created_at)))
    rows = _conversions(session, Recording.owner_id == user_id,
                        Recording.parent_folder_id.in_(ids))
    return [FolderStats(folder_id=fid,
                        stats=_counts([row for row in rows if row.parent_folder_id == fid]))
            for fid in ids]
