"""The quality check of a finished take, shown before upload: a verdict with reasons a person reads.

Measured in one pass over the take in blocks (`TakeStats.add`), so a ten-minute take is never
loaded whole: clipped samples, DC offset, and the RMS of every 50 ms slice, from which come the
noise floor (10th percentile), the speech level (95th percentile), the SNR, and the silence at
either end: where the voice activity detector hears the first and last words when it is
installed (breaths, clicks and room noise are not speech), else where the level rises above a
gate over the noise floor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from voxbooth.dsp import voice_activity
from voxbooth.dsp.levels import CLIP_LEVEL, SILENCE_DB
from voxbooth.dsp.speech_ends import SpeechEnds

TakeKind = Literal["original", "calibration", "voice_sample"]
Verdict = Literal["good", "warning", "bad"]

# The service's limits (how long a calibration or a voice sample may be, how large an upload)
# are the caller's to give, as the service said them (`GET /api/limits`): none is kept here.
MIN_RATE_HZ = 16000
_SLICE_S = 0.05
# Speech this close to the noise, or a noise floor this high, is worth a warning (and the
# service's suggestion to clean the take with noise reduction).
NOISY_SNR_DB = 30.0
TOO_NOISY_SNR_DB = 15.0
HIGH_NOISE_FLOOR_DB = -45.0


@dataclass(frozen=True)
class QualityReport:
    verdict: Verdict
    reasons: list[str]
    duration_s: float
    rate_hz: int
    clipped_samples: int
    noise_floor_db: float
    speech_level_db: float
    snr_db: float
    dc_offset: float
    leading_silence_s: float
    trailing_silence_s: float

    @property
    def summary(self) -> str:
        head = {"good": "Good take", "warning": "Usable, with warnings", "bad": "Not usable"}
        return head[self.verdict] + (": " + "; ".join(self.reasons) if self.reasons else "")


@dataclass
class TakeStats:
    """Accumulates what the check needs, block by block (mono or frames x channels)."""

    rate_hz: int
    frames: int = 0
    clipped_samples: int = 0
    _sum: float = 0.0
    _slices: list[float] = field(default_factory=list)
    _partial: list[npt.NDArray[np.float64]] = field(default_factory=list)
    _partial_n: int = 0
    #: where speech starts and ends (the VAD); None without its package, or when not wanted
    speech_ends: SpeechEnds | None = None
    listen: bool = True

    def __post_init__(self) -> None:
        if self.listen and self.speech_ends is None and voice_activity.available():
            self.speech_ends = SpeechEnds(self.rate_hz)

    def add(self, block: npt.NDArray[np.floating]) -> None:
        samples = np.asarray(block, dtype=np.float64)
        self.clipped_samples += int(np.count_nonzero(np.abs(samples) >= CLIP_LEVEL))
        if samples.ndim == 2:
            samples = samples.mean(axis=1)
        if self.speech_ends is not None:
            self.speech_ends.add(samples)
        self.frames += samples.size
        self._sum += float(samples.sum())
        self._partial.append(samples)
        self._partial_n += samples.size
        slice_n = max(1, int(_SLICE_S * self.rate_hz))
        if self._partial_n >= slice_n:
            joined = np.concatenate(self._partial)
            whole = joined.size // slice_n * slice_n
            powers = np.mean(joined[:whole].reshape(-1, slice_n) ** 2, axis=1)
            self._slices.extend(powers.tolist())
            self._partial = [joined[whole:]]
            self._partial_n = joined.size - whole

    def slice_db(self) -> npt.NDArray[np.float64]:
        powers = np.array(self._slices)
        return np.where(powers > 1e-12, 10.0 * np.log10(np.maximum(powers, 1e-12)), SILENCE_DB)


def _silence_at_ends(slice_db: npt.NDArray[np.float64], gate_db: float) -> tuple[float, float]:
    loud = np.flatnonzero(slice_db > gate_db)
    if loud.size == 0:
        return slice_db.size * _SLICE_S, slice_db.size * _SLICE_S
    return float(loud[0] * _SLICE_S), float((slice_db.size - 1 - loud[-1]) * _SLICE_S)


def _limit_reasons(kind: TakeKind, duration_s: float, rate_hz: int,
                   file_size_bytes: int | None, max_upload_bytes: int | None,
                   duration_range_s: tuple[float, float] | None
                   ) -> tuple[list[str], list[str]]:
    bad: list[str] = []
    warn: list[str] = []
    least_s, most_s = duration_range_s or (0.0, float("inf"))
    if duration_s < least_s:
        bad.append(f"too short: {duration_s:.1f} s, a {kind.replace('_', ' ')} needs at least "
                   f"{least_s:.0f} s")
    if duration_s > most_s:
        bad.append(f"too long: {duration_s / 60:.1f} min, a {kind.replace('_', ' ')} may last "
                   f"at most {most_s / 60:.0f} min")
    if (file_size_bytes is not None and max_upload_bytes is not None
            and file_size_bytes > max_upload_bytes):
        bad.append(f"file is {file_size_bytes / 2**20:.1f} MB; uploads are limited to "
                   f"{max_upload_bytes / 2**20:.0f} MB (record FLAC or a shorter take)")
    if rate_hz < MIN_RATE_HZ:
        warn.append(f"sample rate {rate_hz} Hz is low; {MIN_RATE_HZ} Hz or more sounds better")
    return bad, warn


def _signal_reasons(stats: TakeStats, floor_db: float, level_db: float,
                    dc: float) -> tuple[list[str], list[str]]:
    bad: list[str] = []
    warn: list[str] = []
    if level_db < -60.0:
        bad.append("the take is silent (is the right microphone selected?)")
        return bad, warn
    clipped_fraction = stats.clipped_samples / max(1, stats.frames)
    if clipped_fraction > 1e-3:
        bad.append(f"{stats.clipped_samples} clipped samples: lower the input gain and record "
                   "again")
    elif stats.clipped_samples:
        warn.append(f"{stats.clipped_samples} clipped samples")
    snr_db = level_db - floor_db
    if snr_db < TOO_NOISY_SNR_DB:
        bad.append(f"too noisy: speech is only {snr_db:.0f} dB above the noise")
    elif snr_db < NOISY_SNR_DB:
        warn.append(f"background noise: speech is {snr_db:.0f} dB above the noise floor")
    if floor_db > HIGH_NOISE_FLOOR_DB:
        warn.append(f"noise floor is high ({floor_db:.0f} dBFS)")
    if abs(dc) > 0.01:
        warn.append(f"DC offset of {dc:+.3f} (a faulty cable or interface?)")
    if level_db < -35.0:
        warn.append(f"quiet recording (speech at {level_db:.0f} dBFS): raise the gain")
    return bad, warn


def check_stats(stats: TakeStats, kind: TakeKind = "original",
                file_size_bytes: int | None = None, max_silence_s: float = 2.0,
                max_upload_bytes: int | None = None,
                duration_range_s: tuple[float, float] | None = None) -> QualityReport:
    """`max_upload_bytes` and `duration_range_s` (the shortest and longest a calibration or a
    voice sample may be): the service's, asked of it (`GET /api/limits`); None checks none."""
    slice_db = stats.slice_db()
    duration_s = stats.frames / stats.rate_hz
    floor_db = float(np.percentile(slice_db, 10)) if slice_db.size else SILENCE_DB
    level_db = float(np.percentile(slice_db, 95)) if slice_db.size else SILENCE_DB
    dc = stats._sum / max(1, stats.frames)
    gate_db = max(floor_db + 10.0, level_db - 40.0)
    lead_s, trail_s = _silence_at_ends(slice_db, gate_db)
    if stats.speech_ends is not None and level_db >= -60.0:
        heard_lead_s, heard_trail_s = stats.speech_ends.silences_s()
        lead_s = heard_lead_s if heard_lead_s is not None else lead_s
        trail_s = heard_trail_s if heard_trail_s is not None else trail_s
    bad, warn = _limit_reasons(kind, duration_s, stats.rate_hz, file_size_bytes,
                               max_upload_bytes, duration_range_s)
    signal_bad, signal_warn = _signal_reasons(stats, floor_db, level_db, dc)
    bad += signal_bad
    warn += signal_warn
    if not signal_bad and lead_s > max_silence_s:
        warn.append(f"{lead_s:.1f} s of silence at the start (trim it)")
    if not signal_bad and trail_s > max_silence_s:
        warn.append(f"{trail_s:.1f} s of silence at the end (trim it)")
    verdict: Verdict = "bad" if bad else "warning" if warn else "good"
    return QualityReport(verdict, bad + warn, duration_s, stats.rate_hz, stats.clipped_samples,
                         floor_db, level_db, level_db - floor_db, dc, lead_s, trail_s)


def check_take(samples: npt.NDArray[np.floating], rate_hz: int, kind: TakeKind = "original",
               file_size_bytes: int | None = None, max_upload_bytes: int | None = None,
               duration_range_s: tuple[float, float] | None = None) -> QualityReport:
    stats = TakeStats(rate_hz)
    stats.add(samples)
    return check_stats(stats, kind, file_size_bytes, max_upload_bytes=max_upload_bytes,
                       duration_range_s=duration_range_s)
