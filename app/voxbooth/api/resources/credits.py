from __future__ import annotations

from voxbooth.api.models import Credits as CreditsModel
from voxbooth.api.resources.base import Resource


class Credits(Resource):
    """`/api/credits`: what the account can still convert."""

    def get(self) -> CreditsModel:
        return self._parse(CreditsModel, self._get("/api/credits"))
