from __future__ import annotations

import os
from collections.abc import Callable

from voxbooth.api.models import Calibration
from voxbooth.api.progress import Cancel, ProgressCallback
from voxbooth.api.resources.base import Resource
from voxbooth.api.transfers import upload_file
from voxbooth.api.waiting import wait_until


class Calibrations(Resource):
    """`/api/calibration`: the artist's measured pitch, used to land conversions on a voice."""

    def create(
        self,
        file: str | os.PathLike[str],
        *,
        name: str,
        on_progress: ProgressCallback | None = None,
        cancel: Cancel = None,
        idempotency_key: str | None = None,
    ) -> Calibration:
        """Uploads 10 s to 10 min of speech; the service measures it (state `processing`)."""
        data = upload_file(self._core, "/api/calibration", file, file_field="data",
                           fields={"name": name}, on_progress=on_progress, cancel=cancel,
                           idempotency_key=idempotency_key)
        return self._parse(Calibration, data)

    def list(self) -> list[Calibration]:
        return self._parse_list(Calibration, self._get("/api/calibration"))

    def get(self, calibration_id: str) -> Calibration:
        return self._parse(Calibration, self._get(f"/api/calibration/{calibration_id}"))

    def enable(self, calibration_id: str) -> Calibration | None:
        """Makes this calibration the default one for conversions."""
        data = self._core.request_json("PUT", f"/api/calibration/{calibration_id}/enable")
        return self._parse(Calibration, data) if isinstance(data, dict) and "id" in data else None

    def use_auto(self) -> None:
        """No calibration: the service estimates the speaker's pitch from each original."""
        self._post("/api/calibration/auto")

    def delete(self, calibration_id: str) -> Calibration | None:
        data = self._core.request_json("DELETE", f"/api/calibration/{calibration_id}")
        return self._parse(Calibration, data) if isinstance(data, dict) and "id" in data else None

    def wait_for_calibration(
        self,
        calibration_id: str,
        *,
        timeout_s: float = 300.0,
        poll_s: float = 1.0,
        on_progress: Callable[[Calibration], None] | None = None,
        cancel: Cancel = None,
    ) -> Calibration:
        """Polls until `calibrated` or `error`; raises `WaitTimedOut` after `timeout_s`."""
        return wait_until(lambda: self.get(calibration_id), lambda c: c.is_final,
                          what=f"calibration {calibration_id}", timeout_s=timeout_s,
                          poll_s=poll_s, on_progress=on_progress, cancel=cancel)
