"""Blocking calibration calls (run in workers): check, upload, wait, enable or auto."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from voxbooth.audio.files import check_take_file
from voxbooth.studio.service.backend import StudioBackend

if TYPE_CHECKING:
    from voxbooth.api.models import Calibration


class CalibrationRefused(Exception):
    """The reading cannot make a calibration (too short, silent); says why in words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.user_message = reason


def save_calibration(backend: StudioBackend, path: Path, name: str, *,
                     timeout_s: float = 180.0) -> Calibration:
    """Checks the reading against the service's rules (its upload limit and calibration
    length), uploads it, waits until the service has measured it."""
    rules = backend.rules or backend.fetch_rules()
    report = check_take_file(path, kind="calibration", max_upload_bytes=rules.max_upload_bytes,
                             duration_range_s=(rules.calibration_min_s,
                                               rules.calibration_max_s))
    if report.verdict == "bad":
        raise CalibrationRefused(report.summary)
    calibrations = backend.client.calibrations
    made = calibrations.create(path, name=name)
    return calibrations.wait_for_calibration(made.id, timeout_s=timeout_s, poll_s=0.5)


def choose(backend: StudioBackend, calibration_id: str | None) -> None:
    """Enables that calibration, or auto (the service estimates each original) when None."""
    if calibration_id:
        backend.client.calibrations.enable(calibration_id)
    else:
        backend.client.calibrations.use_auto()
