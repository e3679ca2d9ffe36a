from __future__ import annotations

from voxbooth.api.models import Limits as LimitsModel
from voxbooth.api.resources.base import Resource


class Limits(Resource):
    """`/api/limits`: the service's upload, audio, take, calibration and voice-sample limits.

    Ask rather than assume: a remote server may be configured with another upload limit."""

    def get(self) -> LimitsModel:
        return self._parse(LimitsModel, self._get("/api/limits"))
