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
    """Writes the take with [start, end) replaced by the punch-in, crossfaded inside the region.

    The take keeps its length: a stop that comes late (a busy machine) is trimmed to the region,
    and a punch stopped early keeps the original for the rest of the region."""
    take, rate = sf.read(plan.take_path, dtype="float32", always_2d=True)
    insert, insert_rate = sf.read(str(insert_path), dtype="float32", always_2d=True)
    if insert_rate != rate:
        raise ValueError(f"the punch-in was recorded at {insert_rate} Hz, the take at {rate} Hz")
    start = min(int(plan.start_s * rate), take.shape[0])
    end = min(max(int(plan.end_s * rate), start), take.shape[0])
    insert = insert[: end - start, : take.shape[1]]
    n = insert.shape[0]
    region = take[start:end].copy()
    region[:n] = insert
    fade = min(int(FADE_S * rate), n // 2)
    if fade > 0:  # the old material fades out while the new fades in, and back at the end
        ramp = _fade(fade)
        region[:fade] = take[start:start + fade] * (1 - ramp) + insert[:fade] * ramp
        region[n - fade:n] = (insert[n - fade:] * (1 - ramp)
                              + take[start + n - fade:start + n] * ramp)
    joined = np.concatenate([take[:start], region, take[end:]])
    dest.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(dest), joined, rate, subtype="PCM_24")
    return dest
