"""Voices v2: the catalogue and private voices, favourites, per-accent settings, portraits."""

from __future__ import annotations

import re
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse

from voxbooth.resources import resources_dir
from voxbooth.server.catalogue import Catalogue
from voxbooth.server.deps import CurrentUser, SessionDep
from voxbooth.server.errors import not_found
from voxbooth.server.idempotency import IdempotentJson
from voxbooth.server.schemas.common import Direction, Limit, Offset, Page, Pagination
from voxbooth.server.schemas.voices import (
    AgeGroup,
    Gender,
    PitchGroup,
    Species,
    Visibility,
    VoicePublic,
    VoiceSettingsUpdate,
    VoiceSort,
)
from voxbooth.server.services import voices
from voxbooth.server.services.voices import VoiceFilters, VoicePresenter

router = APIRouter(tags=["voices"])
_PORTRAIT_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}\.svg$")


def _catalogue(request: Request) -> Catalogue:
    return request.app.state.catalogue


@router.get("/api/v2/voices")
def list_voices(
    request: Request, user: CurrentUser, session: SessionDep,
    limit: Limit = 25, offset: Offset = 0,
    sort: VoiceSort = VoiceSort.name, direction: Direction = Direction.asc,
    visibility: Visibility | None = None, species: Species | None = None,
    gender: Gender | None = None, age_group: AgeGroup | None = None,
    pitch_group: PitchGroup | None = None,
    nationality: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[VoicePublic]:
    filters = VoiceFilters(
        visibility=visibility.value if visibility else None,
        species=species.value if species else None, gender=gender.value if gender else None,
        age_group=age_group.value if age_group else None,
        pitch_group=pitch_group.value if pitch_group else None, nationality=nationality)
    rows, count = voices.list_voices(
        voices.all_voices(session, _catalogue(request), user.id), filters, sort=sort,
        direction=direction, limit=limit, offset=offset)
    presenter = VoicePresenter(session, user.id, str(request.base_url))
    return Page(list=[presenter.present(v) for v in rows],
                pagination=Pagination(count=count, limit=limit, offset=offset))


@router.get("/api/v2/voices/search")
def search_voices(request: Request, user: CurrentUser, session: SessionDep,
                  name: Annotated[str, Query(max_length=200)] = "",
                  limit: Limit = 25) -> list[VoicePublic]:
    """Voices whose name contains `name` (case-insensitive), prefix matches first."""
    found = voices.search_voices(voices.all_voices(session, _catalogue(request), user.id),
                                 name, limit)
    presenter = VoicePresenter(session, user.id, str(request.base_url))
    return [presenter.present(v) for v in found]


@router.post("/api/v2/voices/favorite/{voice_id}")
def toggle_favorite_voice(voice_id: uuid.UUID, request: Request, user: CurrentUser,
                          session: SessionDep, idempotency: IdempotentJson) -> VoicePublic:
    """Marks the voice as a favourite, or un-marks it when it already is one."""
    voice = voices.find_voice(session, _catalogue(request), user.id, str(voice_id))
    voices.toggle_favorite(session, user.id, voice)
    session.commit()
    return VoicePresenter(session, user.id, str(request.base_url)).present(voice)


@router.post("/api/v2/voices/settings")
def update_voice_settings(body: VoiceSettingsUpdate, request: Request, user: CurrentUser,
                          session: SessionDep, idempotency: IdempotentJson) -> VoicePublic:
    """Favourite narration style / accent, and the accent's semitone correction."""
    voice = voices.find_voice(session, _catalogue(request), user.id, str(body.voice_id))
    voices.apply_settings(session, user.id, voice, body)
    session.commit()
    return VoicePresenter(session, user.id, str(request.base_url)).present(voice)


@router.get("/api/voices/images/{file_name}", response_class=FileResponse,
            responses={200: {"content": {"image/svg+xml": {}}}})
def get_voice_image(file_name: str, user: CurrentUser) -> FileResponse:
    """A voice's portrait (SVG; the thumbnail is the same drawing, it scales)."""
    if not _PORTRAIT_RE.match(file_name):
        raise not_found("Image")
    path = resources_dir() / "voices" / "images" / file_name
    if not path.is_file():
        raise not_found("Image")
    return FileResponse(path, media_type="image/svg+xml",
                        headers={"Cache-Control": "private, max-age=86400"})
