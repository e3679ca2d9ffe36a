"""Punch-in: a region of a take recorded again and spliced in, as a new take (the original take
is never overwritten: nothing recorded is lost). Qt-free; run `splice` in a worker."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

PREROLL_S = 2.0  # the artist hears this much of the take before the punch point
FADE_S = 0.01  # short crossfades at both seams, so the splice does not click


@dataclass(frozen=True)
class PunchPlan:
    take_path: str
    label: str
    start_s: float
    end_s: float

    @property
    def length_s(self) -> float:
        return max(0.0, self.end_s - self.start_s)

    def describe(self) -> str:
        return f"{self.label} (punch-in {self.start_s:.1f}–{self.end_s:.1f} s)"


def _fade(n: int) -> np.ndarray:
    return np.linspace(0.0, 1.0, n, endpoint=False)[:, None]


def splice(plan: PunchPlan, insert_path: Path, dest: Path) -> Path:
    """Writes take[:start] + insert + take[end:] to `dest`, crossfaded at the seams."""
    take, rate = sf.read(plan.take_path, dtype="float32", always_2d=True)
    insert, insert_rate = sf.read(str(insert_path), dtype="float32", always_2d=True)
    if insert_rate != rate:
        raise ValueError(f"the punch-in was recorded at {insert_rate} Hz, the take at {rate} Hz")
    start = min(int(plan.start_s * rate), take.shape[0])
    end = min(max(int(plan.end_s * rate), start), take.shape[0])
    head, tail = take[:start].copy(), take[end:].copy()
    insert = insert.copy()
    fade = min(int(FADE_S * rate), head.shape[0], tail.shape[0], insert.shape[0] // 2)
    if fade > 0:
        ramp = _fade(fade)
        # overlap the seams: the old material fades out while the new fades in
        head[-fade:] = head[-fade:] * (1 - ramp) + insert[:fade] * ramp
        insert = insert[fade:]
        tail[:fade] = insert[-fade:] * (1 - ramp) + tail[:fade] * ramp
        insert = insert[:-fade]
    joined = np.concatenate([head, insert, tail])
    dest.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(dest), joined, rate, subtype="PCM_24")
    return dest
