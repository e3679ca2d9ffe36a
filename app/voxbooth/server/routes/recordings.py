"""Recordings: takes and their conversions, their audio and waveform peaks."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session

from voxbooth.server.deps import BlobsDep, CurrentUser, ScratchDep, SessionDep, SettingsDep, run_db
from voxbooth.server.idempotency import IdempotentUpload
from voxbooth.server.media import MIME_BY_FORMAT
from voxbooth.server.routing import RETRY_AFTER_HEADER
from voxbooth.server.schemas.common import Direction, Limit, Offset, Page, Pagination
from voxbooth.server.schemas.errors import ErrorResponse
from voxbooth.server.schemas.recordings import RecordingPublic, RecordingReplace, RecordingUpdate
from voxbooth.server.services import exports, recordings, waveforms
from voxbooth.server.services.audio_files import ServedFormat, audio_file
from voxbooth.server.services.common import own_recording
from voxbooth.server.services.downloads import temporary_download
from voxbooth.server.services.storage import delete_blobs
from voxbooth.server.uploads import UPLOAD_OPENAPI, receive_upload

router = APIRouter(tags=["recordings"])


def _page(request: Request, rows: list[Any], count: int, limit: int,
          offset: int) -> Page[RecordingPublic]:
    base = str(request.base_url)
    return Page(list=[recordings.to_public(r, base) for r in rows],
                pagination=Pagination(count=count, limit=limit, offset=offset))


@router.get("/api/recordings")
def list_recordings(request: Request, user: CurrentUser, session: SessionDep,
                    limit: Limit = 50,
                    offset: Offset = 0, direction: Direction = Direction.asc,
                    project_id: uuid.UUID | None = None,
                    folder_id: uuid.UUID | None = None,
                    q: Annotated[str | None, Query(
                        max_length=200, description="only takes whose label or transcript "
                                                    "holds these words")] = None
                    ) -> Page[RecordingPublic]:
    """Takes and conversions of a project or a folder (give one)."""
    rows, count = recordings.list_recordings(
        session, user.id, project_id=str(project_id) if project_id else None,
        folder_id=str(folder_id) if folder_id else None, only_type=None, limit=limit,
        offset=offset, direction=direction, search=q)
    return _page(request, rows, count, limit, offset)


@router.get("/api/recordings/originals")
def list_originals(request: Request, folder_id: uuid.UUID, user: CurrentUser,
                   session: SessionDep, limit: Limit = 50, offset: Offset = 0,
                   direction: Direction = Direction.asc) -> Page[RecordingPublic]:
    rows, count = recordings.list_recordings(
        session, user.id, project_id=None, folder_id=str(folder_id),
        only_type=recordings.ORIGINAL, limit=limit, offset=offset, direction=direction)
    return _page(request, rows, count, limit, offset)


@router.get("/api/recordings/conversions")
def list_conversions(request: Request, original_id: uuid.UUID, user: CurrentUser,
                     session: SessionDep, limit: Limit = 50, offset: Offset = 0,
                     direction: Direction = Direction.asc) -> Page[RecordingPublic]:
    rows, count = recordings.list_conversions(session, user.id, str(original_id), limit=limit,
                                              offset=offset, direction=direction)
    return _page(request, rows, count, limit, offset)


@router.get("/api/recordings/export", response_class=FileResponse,
            responses={200: {"content": {"application/zip": {}}}})
def export_original(original_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                    blobs: BlobsDep, scratch: ScratchDep, starred_only: bool = False,
                    name_template: exports.NameTemplateQuery = exports.DEFAULT_TEMPLATE,
                    format: exports.ExportFormat = exports.ExportFormat.original) -> Response:
    """A zip of an original and its conversions, with `manifest.json`; named after the
    original, its files after `name_template`, its audio as stored or as `format`."""
    options = exports.export_options(starred_only, name_template, format)
    archive = exports.export_original(session, blobs, scratch, user.id,
                                      str(original_id), options=options)
    return temporary_download(archive.path, media_type="application/zip",
                              filename=archive.filename)


@router.post("/api/recordings", status_code=201, openapi_extra=UPLOAD_OPENAPI)
async def create_recording(request: Request, user: CurrentUser, blobs: BlobsDep,
                           settings: SettingsDep, idempotency: IdempotentUpload,
                           scratch: ScratchDep) -> RecordingPublic:
    """Uploads a take: multipart `data` (or `file`) with `parent_folder_id`, `label`,
    `microphone`; or JSON with the audio base64-encoded in `file` (or `data`)."""
    upload = await receive_upload(request, max_bytes=settings.max_upload_bytes,
                                  tmp_dir=scratch.dir)
    base_url = str(request.base_url)

    def create(session: Session) -> RecordingPublic:
        rec = recordings.create_original(session, blobs, user.id, upload)
        return recordings.to_public(rec, base_url)

    async with upload:
        await idempotency.claim_upload(upload)
        return await run_db(request, create)


@router.get("/api/recordings/{recording_id}")
def get_recording(recording_id: uuid.UUID, request: Request, user: CurrentUser,
                  session: SessionDep) -> RecordingPublic:
    rec = own_recording(session, user.id, str(recording_id))
    return recordings.to_public(rec, str(request.base_url))


@router.patch("/api/recordings/{recording_id}")
def update_recording(recording_id: uuid.UUID, body: RecordingUpdate, request: Request,
                     user: CurrentUser, session: SessionDep) -> RecordingPublic:
    rec = recordings.update_recording(session, user.id, str(recording_id),
                                      body.model_dump(exclude_unset=True))
    session.commit()
    return recordings.to_public(rec, str(request.base_url))


@router.put("/api/recordings/{recording_id}")
def replace_recording(recording_id: uuid.UUID, body: RecordingReplace, request: Request,
                      user: CurrentUser, session: SessionDep) -> RecordingPublic:
    rec = recordings.update_recording(session, user.id, str(recording_id), body.model_dump())
    session.commit()
    return recordings.to_public(rec, str(request.base_url))


@router.delete("/api/recordings/{recording_id}")
def delete_recording(recording_id: uuid.UUID, request: Request, user: CurrentUser,
                     session: SessionDep, blobs: BlobsDep) -> RecordingPublic:
    """Deletes a take with its conversions, or one conversion."""
    rec, keys = recordings.delete_recording(session, user.id, str(recording_id))
    public = recordings.to_public(rec, str(request.base_url))
    session.commit()
    delete_blobs(blobs, keys)
    return public


# `format=original` sends the bytes as uploaded, with the type their content was sniffed as
_SERVED_TYPES: dict[str, Any] = {
    mime: {} for mime in [*MIME_BY_FORMAT.values(), "application/octet-stream"]}


@router.get("/api/recordings/{recording_id}/file", response_class=FileResponse,
            responses={200: {"content": _SERVED_TYPES}})
def get_recording_file(recording_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                       blobs: BlobsDep, scratch: ScratchDep,
                       format: ServedFormat = ServedFormat.wav) -> Response:
    """The audio as WAV, or `?format=flac|ogg|mp3`, or `?format=original` (bytes as uploaded)."""
    rec = own_recording(session, user.id, str(recording_id))
    return audio_file(blobs, rec, format, scratch)


@router.get("/api/recordings/{recording_id}/waveform", responses={
    200: {"content": {"application/json": {}, "application/octet-stream": {}},
          "description": "The peaks as JSON, or with `format=binary` the whole pyramid"},
    202: {"model": ErrorResponse, "headers": RETRY_AFTER_HEADER,
          "description": "peaks still being computed; retry after Retry-After seconds"}})
def get_recording_waveform(
    recording_id: uuid.UUID, user: CurrentUser, session: SessionDep, blobs: BlobsDep,
    level: Annotated[int | None, Query(ge=0, le=64)] = None,
    samples_per_pixel: Annotated[float | None, Query(gt=0, le=1e9)] = None,
    start_frame: Annotated[int, Query(ge=0, le=2**62)] = 0,
    end_frame: Annotated[int | None, Query(ge=0, le=2**62)] = None,
    format: Literal["json", "binary"] = "json",
) -> Response:
    """Min/max peaks of the audio at several zoom levels (`levels` lists each level's samples
    per peak). Pick one with `level` (index) or `samples_per_pixel`, narrow it with
    `start_frame`/`end_frame`; by default the overview level (at most 4096 peaks).
    `format=binary` gives the whole pyramid (voxbooth.dsp.peaks.PeakPyramid.from_bytes).
    202 while the peaks are still being computed after an upload."""
    rec = own_recording(session, user.id, str(recording_id))
    return waveforms.waveform_response(
        session, blobs, rec, level=level, samples_per_pixel=samples_per_pixel,
        start_frame=start_frame, end_frame=end_frame, binary=format == "binary")
