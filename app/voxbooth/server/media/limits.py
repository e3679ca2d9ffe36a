"""Duration limits for uploads with a purpose (calibrations and voice samples: 10 s to 10 min)."""

from __future__ import annotations

from voxbooth.server.media.errors import AudioRejected
from voxbooth.server.media.probe import AudioInfo

CALIBRATION_MIN_S = 10.0
CALIBRATION_MAX_S = 600.0


def format_duration(seconds: float) -> str:
    """`4.2 s`, `10 s`, `10 min`, `12 min 30 s`: how a person would say it."""
    if seconds < 60:
        text = f"{seconds:.1f}".removesuffix(".0")
        return f"{text} s"
    minutes, rest_s = divmod(round(seconds), 60)
    return f"{minutes} min" if rest_s == 0 else f"{minutes} min {rest_s} s"


def check_duration(
    info: AudioInfo, min_s: float, max_s: float, *, purpose: str = "calibrations"
) -> None:
    """Raises a 422 like "Audio is 4.2 s long; calibrations need 10 s to 10 min"."""
    if min_s <= info.duration_s <= max_s:
        return
    raise AudioRejected(
        422,
        f"Audio is {format_duration(info.duration_s)} long; {purpose} need "
        f"{format_duration(min_s)} to {format_duration(max_s)}",
    )
