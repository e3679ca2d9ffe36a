"""Every limit uploaded audio must meet, in one place: `GET /api/limits` reads them from here.

Every upload: 1 to 32 channels, 8 kHz to 384 kHz, finite samples. Takes: at most 3 h, and at
most 2 h of 48 kHz stereo once decoded; calibrations and voice samples: 10 s to 10 min. (The byte
limit is the `max_upload_bytes` setting; the voiced-speech minimums belong to the engine's
measurements, `voxbooth.engine.calibrate` and `.clone`.)

The limits are checked before a codec touches the data wherever a header says enough (WAV/RF64
fmt and ds64 chunks, FLAC STREAMINFO: `media.header`), else by the worker's probe from what the
codec reports before it decodes, and again while decoding (a header may lie about its length,
or not say it: then the file's size bounds what it may decode to).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from voxbooth.server.media.errors import AudioRejected

MIN_CHANNELS, MAX_CHANNELS = 1, 32
MIN_SAMPLE_RATE_HZ, MAX_SAMPLE_RATE_HZ = 8_000, 384_000
# Float samples beyond +-1000 (60 dB over full scale) are not audio but garbage or an attack
# (3e38 aborts LAME); NaN and infinity are refused likewise, anywhere in the file.
MAX_ABS_SAMPLE = 1000.0

CALIBRATION_MIN_S = 10.0
CALIBRATION_MAX_S = 600.0
VOICE_SAMPLE_MIN_S = 10.0
VOICE_SAMPLE_MAX_S = 600.0
TAKE_MAX_S = 3 * 3600.0  # a long audiobook chapter; the 50 MB upload limit usually comes first


@dataclass(frozen=True)
class AudioLimits:
    """What one kind of upload may hold once decoded."""

    purpose: str  # in the user's words, plural: "takes", "calibrations", "voice samples"
    min_s: float
    max_s: float
    # frames x channels: what decoding costs, whatever the file's size (a 242 KB FLAC of
    # 8-channel 192 kHz silence decodes to 900 million samples)
    max_decoded_samples: int

    def max_frames(self, rate_hz: int, channels: int) -> int:
        return min(int(self.max_s * rate_hz) + rate_hz // 100,
                   self.max_decoded_samples // max(channels, 1))

    def max_hidden_length_samples(self, size_bytes: int) -> int:
        """What a file of `size_bytes` that does not say its length may decode to."""
        return min(self.max_decoded_samples,
                   max(HIDDEN_LENGTH_MIN_SAMPLES, HIDDEN_LENGTH_SAMPLES_PER_BYTE * size_bytes))


# A file whose header does not say its length (FLAC STREAMINFO total 0) cannot be refused
# before it is decoded; it is refused once it has decoded to this many samples per byte of the
# file, so a bomb that hides its length (240 KB of FLAC claiming nothing, holding 906 million
# samples) costs a worker about a second, not the 17 s of decoding up to a take's limit. Real
# audio stays far below it: 1-5 samples per byte for FLAC of a recording, under 50 for lossy
# codecs at their lowest bitrates (and their containers mostly say the length anyway).
HIDDEN_LENGTH_SAMPLES_PER_BYTE = 128
HIDDEN_LENGTH_MIN_SAMPLES = 60 * 48_000  # whatever the file's size: a minute of 48 kHz mono


def _samples(seconds: float, rate_hz: int, channels: int) -> int:
    return int(seconds * rate_hz * channels)


# Takes decode to at most 2 h of stereo at 48 kHz (3 h of mono, 1 h of stereo at 96 kHz ...);
# more is a bomb (a 240 KB FLAC of 590 s of 8-channel 192 kHz silence is 906 million samples).
TAKES = AudioLimits("takes", 0.0, TAKE_MAX_S, _samples(2 * 3600.0, 48_000, 2))
CALIBRATIONS = AudioLimits("calibrations", CALIBRATION_MIN_S, CALIBRATION_MAX_S,
                           _samples(CALIBRATION_MAX_S, 96_000, 2))
VOICE_SAMPLES = AudioLimits("voice samples", VOICE_SAMPLE_MIN_S, VOICE_SAMPLE_MAX_S,
                            _samples(VOICE_SAMPLE_MAX_S, 96_000, 2))


# A whole file read into memory for analysis (calibrations and voice samples: mono at 16 kHz,
# 10 min is 9.6 million samples; transcripts and noise reduction read whole takes): 100 million
# samples (400 MB) is 35 min of mono at 48 kHz, 1 h 44 min at 16 kHz; more is refused (413).
MAX_READ_SAMPLES = 100_000_000
# The audio worker's address space beyond what it holds after loading its libraries (room for
# the largest whole read, its joined copy and its pickle): a codec that allocates past it gets
# MemoryError (413) or dies (422), never the machine's memory.
WORKER_MEMORY_BYTES = 2048 * 1024 * 1024

# How long the audio worker may take before it is stopped and the call refused: generous, for a
# loaded machine (decoding and encoding run at 20x to 500x real time on one core here).
WORKER_BASE_S = 30.0
WORKER_S_PER_MB = 3.0  # checking an upload: per megabyte of the file
WORKER_S_PER_AUDIO_S = 0.2  # transcoding and peaks: per second of audio


def check_timeout_s(size_bytes: int) -> float:
    return WORKER_BASE_S + WORKER_S_PER_MB * size_bytes / 1e6


def work_timeout_s(duration_s: float | None) -> float:
    return WORKER_BASE_S + WORKER_S_PER_AUDIO_S * (duration_s or TAKE_MAX_S)


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


def check_shape(channels: int, rate_hz: int) -> None:
    """Channels and sample rate, from a header or a codec, before anything is decoded."""
    if not MIN_CHANNELS <= channels <= MAX_CHANNELS:
        raise AudioRejected(422, f"Audio has {channels} channels; the service accepts "
                                 f"{MIN_CHANNELS} to {MAX_CHANNELS}")
    if not MIN_SAMPLE_RATE_HZ <= rate_hz <= MAX_SAMPLE_RATE_HZ:
        raise AudioRejected(422, f"Audio is sampled at {rate_hz} Hz; the service accepts "
                                 f"{MIN_SAMPLE_RATE_HZ} Hz to {MAX_SAMPLE_RATE_HZ} Hz")


def check_layout(info: Any) -> None:
    """Channels and sample rate of an `AudioInfo` (422 naming the problem)."""
    check_shape(int(info.channels), int(info.sample_rate))


def check_take_duration(info: Any) -> None:
    if info.duration_s > TAKE_MAX_S:
        raise AudioRejected(422, f"Audio is {format_duration(info.duration_s)} long; a take "
                                 f"may be at most {format_duration(TAKE_MAX_S)}")


def duration_refused(limits: AudioLimits, duration_s: float, *,
                     at_least: bool = False) -> AudioRejected:
    said = ("over " if at_least else "") + format_duration(duration_s)
    return AudioRejected(
        422, f"Audio is {said} long; {limits.purpose} need {format_duration(limits.min_s)} to "
        f"{format_duration(limits.max_s)}")


def check_frames(limits: AudioLimits, frames: int, rate_hz: int, channels: int,
                 *, at_least: bool = False) -> None:
    """Duration and decoded size of `frames` (declared by a header, or decoded so far)."""
    duration_s = frames / rate_hz
    if duration_s > limits.max_s:
        raise duration_refused(limits, duration_s, at_least=at_least)
    samples = frames * channels
    if samples > limits.max_decoded_samples:
        raise AudioRejected(
            413, f"Audio decodes to {'over ' if at_least else ''}{samples / 1e6:,.0f} million "
            f"samples ({format_duration(duration_s)} x {channels} channels x {rate_hz} Hz); "
            f"{limits.purpose} may hold at most {limits.max_decoded_samples / 1e6:,.0f} million")


def hidden_length_refused(limits: AudioLimits, frames: int, rate_hz: int, channels: int,
                          size_bytes: int) -> AudioRejected:
    """The refusal of a file without a declared length that decodes past what its size allows
    (`AudioLimits.max_hidden_length_samples`)."""
    allowed = limits.max_hidden_length_samples(size_bytes)
    return AudioRejected(
        413, f"Audio decodes to over {frames * channels / 1e6:,.0f} million samples "
        f"({format_duration(frames / rate_hz)} x {channels} channels x {rate_hz} Hz so far) from "
        f"a file of {size_bytes / 1024:,.0f} KB whose header does not say its length; "
        f"{limits.purpose} may hold at most {HIDDEN_LENGTH_SAMPLES_PER_BYTE} samples per byte "
        f"of such a file ({allowed / 1e6:,.0f} million for this one): save it again with its "
        f"length in the header")


def check_duration(info_or_s: Any, min_s: float | None = None, max_s: float | None = None,
                   *, purpose: str = "calibrations") -> None:
    """Raises a 422 like "Audio is 4.2 s long; calibrations need 10 s to 10 min".

    `info_or_s` is an `AudioInfo` (anything with `duration_s`) or seconds."""
    duration_s = float(getattr(info_or_s, "duration_s", info_or_s))
    low = CALIBRATION_MIN_S if min_s is None else min_s
    high = CALIBRATION_MAX_S if max_s is None else max_s
    if low <= duration_s <= high:
        return
    raise duration_refused(AudioLimits(purpose, low, high, 0), duration_s)


def check_limits_duration(limits: AudioLimits, duration_s: float) -> None:
    check_duration(duration_s, limits.min_s, limits.max_s, purpose=limits.purpose)
