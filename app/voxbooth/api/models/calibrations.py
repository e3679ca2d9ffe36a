from __future__ import annotations

from voxbooth.api.models.base import Timestamp, VoxModel

#: states after which a calibration changes no more
CALIBRATION_FINAL_STATES = frozenset({"calibrated", "error"})


class Calibration(VoxModel):
    """The artist's measured speaking pitch (`f0`, Hz), used to land conversions on a voice."""

    id: str
    name: str | None = None
    user_id: str | None = None
    f0: float | None = None
    algorithm: str | None = None
    bucket: str | None = None
    key: str | None = None
    state: str | None = None  # processing, calibrated, error
    error: str | None = None
    created_at: Timestamp = None
    calibrated_at: Timestamp = None
    enabled: bool = False
    duration: float | None = None  # seconds of the reading (VoxBooth adds it to the seed)

    @property
    def is_final(self) -> bool:
        return self.state in CALIBRATION_FINAL_STATES
