from __future__ import annotations

from fastapi import APIRouter

from voxbooth.server.deps import CurrentUser, SessionDep
from voxbooth.server.schemas.auth import CreditsPublic
from voxbooth.server.services import accounts

router = APIRouter(tags=["credits"])


@router.get("/api/credits")
def get_credits(user: CurrentUser, session: SessionDep) -> CreditsPublic:
    """Credits left; a conversion costs one credit per started minute."""
    return CreditsPublic(credits=accounts.credit_balance(session, user.id))
