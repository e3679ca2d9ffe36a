"""The audio limits the service enforces, in one place: `GET /api/limits` reads them from here.

Every upload: 1 to 32 channels, 8 kHz to 384 kHz. Takes: at most 3 h. Calibrations and voice
samples: 10 s to 10 min. (The byte limit is the `max_upload_bytes` setting; the voiced-speech
minimums belong to the engine's measurements, `voxbooth.engine.calibrate` and `.clone`.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from voxbooth.server.media.errors import AudioRejected

if TYPE_CHECKING:  # probe checks layouts with this module: import the type only
    from voxbooth.server.media.probe import AudioInfo

MIN_CHANNELS, MAX_CHANNELS = 1, 32
MIN_SAMPLE_RATE_HZ, MAX_SAMPLE_RATE_HZ = 8_000, 384_000
TAKE_MAX_S = 3 * 3600.0
CALIBRATION_MIN_S = 10.0
CALIBRATION_MAX_S = 600.0
VOICE_SAMPLE_MIN_S = 10.0
VOICE_SAMPLE_MAX_S = 600.0


def format_duration(seconds: float) -> str:
    """`4.2 s`, `10 s`, `10 min`, `12 min 30 s`, `3 h`: how a person would say it."""
    if seconds < 60:
        text = f"{seconds:.1f}".removesuffix(".0")
        return f"{text} s"
    minutes, rest_s = divmod(round(seconds), 60)
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return f"{hours} h" if minutes == 0 else f"{hours} h {minutes} min"
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


def check_take_duration(info: AudioInfo) -> None:
    if info.duration_s > TAKE_MAX_S:
        raise AudioRejected(422, f"Audio is {format_duration(info.duration_s)} long; a take "
                                 f"may be at most {format_duration(TAKE_MAX_S)}")


def check_layout(info: AudioInfo) -> None:
    """Channels and sample rate within what the service handles (422 naming the problem)."""
    if not MIN_CHANNELS <= info.channels <= MAX_CHANNELS:
        raise AudioRejected(422, f"Audio has {info.channels} channels; the service accepts "
                                 f"{MIN_CHANNELS} to {MAX_CHANNELS}")
    if not MIN_SAMPLE_RATE_HZ <= info.sample_rate <= MAX_SAMPLE_RATE_HZ:
        raise AudioRejected(422, f"Audio is sampled at {info.sample_rate} Hz; the service "
                                 f"accepts {MIN_SAMPLE_RATE_HZ} Hz to {MAX_SAMPLE_RATE_HZ} Hz")
