"""Narration styles: the prosody of a (TTS) original reshaped by rate, pitch range and pauses.

The rate is changed by resampling the WORLD frames in time (pitch and formants untouched), pauses
(quiet unvoiced frames) are stretched on top of that, and the pitch range multiplies the voice's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voxbooth.engine.world import WorldFeatures


@dataclass(frozen=True)
class NarrationStyle:
    name: str
    rate: float  # >1 speaks faster
    range_scale: float  # multiplies the voice's f0 range
    pause_scale: float  # >1 lengthens pauses


STYLES: dict[str, NarrationStyle] = {
    "Neutral": NarrationStyle("Neutral", 1.0, 1.0, 1.0),
    "Calm": NarrationStyle("Calm", 0.9, 0.75, 1.35),
    "Energetic": NarrationStyle("Energetic", 1.12, 1.35, 0.75),
    "Storyteller": NarrationStyle("Storyteller", 0.93, 1.25, 1.6),
}


def style_named(name: str | None) -> NarrationStyle:
    if name is None:
        return STYLES["Neutral"]
    for style in STYLES.values():
        if style.name.lower() == name.lower():
            return style
    raise ValueError(f"unknown narration style {name!r}; choose one of {', '.join(STYLES)}")


def pause_frames(features: WorldFeatures, quiet_db: float = 35.0) -> np.ndarray:
    """Frames that are unvoiced and far below the loudest frame: the speaker's pauses."""
    level_db = 10.0 * np.log10(np.maximum(features.envelope.sum(axis=1), 1e-30))
    return np.asarray((features.f0_hz <= 0.0) & (level_db < level_db.max() - quiet_db))


def restyle(features: WorldFeatures, style: NarrationStyle) -> WorldFeatures:
    """The same speech at the style's rate with its pauses stretched (f0 range: see transform)."""
    if style.rate == 1.0 and style.pause_scale == 1.0:
        return features
    durations = np.full(features.frame_count, 1.0 / style.rate)
    durations[pause_frames(features)] *= style.pause_scale
    # Output frame k reads the input at the position whose cumulative duration reaches k.
    ends = np.cumsum(durations)
    count = max(int(np.floor(ends[-1])), 1)
    position = np.interp(
        np.arange(count) + 0.5, ends - durations / 2.0, np.arange(features.frame_count)
    )
    index = np.clip(np.rint(position).astype(int), 0, features.frame_count - 1)
    # Nearest frame for f0 (keeps voicing decisions crisp); interpolated envelope/aperiodicity.
    lo = np.clip(np.floor(position).astype(int), 0, features.frame_count - 1)
    hi = np.minimum(lo + 1, features.frame_count - 1)
    frac = (position - lo)[:, None]
    spectrum = features.envelope[lo] * (1.0 - frac) + features.envelope[hi] * frac
    aperiodicity = features.aperiodicity[lo] * (1.0 - frac) + features.aperiodicity[hi] * frac
    return WorldFeatures(
        np.ascontiguousarray(features.f0_hz[index]),
        np.ascontiguousarray(spectrum),
        np.ascontiguousarray(aperiodicity),
        features.rate_hz,
        features.frame_period_ms,
    )
