"""Long originals cut at pauses into chunks that convert independently, and joined again.

A chunk reaches `OVERLAP_S` into its neighbours on both sides; after conversion the overlaps are
crossfaded. Cuts fall in a pause near each target length, so the crossfade lies in near-silence
and the join cannot be heard: in the middle of the longest pause the voice activity detector
hears there when it was asked (`pauses`), else at the quietest moment (which a breath, a creak
or a fan can move into the speech next to it).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

OVERLAP_S = 0.02
TARGET_CHUNK_S = 15.0
_HOP_S = 0.01
_SMOOTH_S = 0.2
SHORTEST_PAUSE_S = 0.1  # a shorter gap between words is no place for a join


@dataclass(frozen=True)
class Chunk:
    index: int
    start: int  # nominal region [start, stop) in samples
    stop: int
    read_start: int  # what the worker reads: the nominal region plus overlaps
    read_stop: int


def frame_levels_db(samples: np.ndarray, rate_hz: int) -> np.ndarray:
    """RMS level per 10 ms hop (for finding pauses)."""
    hop = max(int(rate_hz * _HOP_S), 1)
    count = samples.shape[0] // hop
    if count == 0:
        return np.zeros(0)
    frames = samples[: count * hop].reshape(count, hop)
    return np.asarray(10.0 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-12))


def pauses_between(speech_s: Sequence[tuple[float, float]], duration_s: float
                   ) -> list[tuple[float, float]]:
    """The pauses (seconds) around and between speech segments, in order."""
    pauses, cursor = [], 0.0
    for start_s, end_s in speech_s:
        if start_s > cursor:
            pauses.append((cursor, start_s))
        cursor = max(cursor, end_s)
    if duration_s > cursor:
        pauses.append((cursor, duration_s))
    return pauses


def _longest_pause(pauses_s: Sequence[tuple[float, float]], lo: int, hi: int) -> int | None:
    """The middle hop of the longest pause within hops [lo, hi), if one is long enough."""
    best: tuple[float, int] | None = None
    for start_s, end_s in pauses_s:
        a, b = max(lo * _HOP_S, start_s), min(hi * _HOP_S, end_s)
        if b - a >= SHORTEST_PAUSE_S and (best is None or b - a > best[0]):
            best = (b - a, round((a + b) / 2 / _HOP_S))
    return best[1] if best is not None else None


def will_cut(levels_db: np.ndarray, chunk_s: float = TARGET_CHUNK_S) -> bool:
    """Whether `plan_chunks` cuts a take of these levels at all (is it worth finding pauses)."""
    return levels_db.shape[0] > int(1.5 * max(int(chunk_s / _HOP_S), 1))


def plan_chunks(
    levels_db: np.ndarray, sample_count: int, rate_hz: int, chunk_s: float = TARGET_CHUNK_S,
    pauses: Sequence[tuple[float, float]] | None = None,
) -> list[Chunk]:
    """Cut points near every `chunk_s`, each in the middle of the longest of `pauses` (seconds,
    from the voice activity detector) around it, else at the quietest 200 ms around it."""
    hop = max(int(rate_hz * _HOP_S), 1)
    target = max(int(chunk_s / _HOP_S), 1)
    width = max(int(_SMOOTH_S / _HOP_S), 1)
    smooth = (
        np.convolve(levels_db, np.ones(width) / width, mode="same") if levels_db.size else levels_db
    )
    cuts = [0]
    position = 0
    while levels_db.shape[0] - position > int(1.5 * target):
        lo, hi = position + target // 2, min(position + (3 * target) // 2, levels_db.shape[0])
        in_pause = _longest_pause(pauses, lo, hi) if pauses else None
        quietest = in_pause if in_pause is not None else lo + int(np.argmin(smooth[lo:hi]))
        cuts.append(quietest * hop + hop // 2)
        position = quietest
    cuts.append(sample_count)
    overlap = int(OVERLAP_S * rate_hz)
    return [
        Chunk(i, a, b, max(a - overlap, 0), min(b + overlap, sample_count))
        for i, (a, b) in enumerate(itertools.pairwise(cuts))
    ]


@dataclass
class ConvertedChunk:
    chunk: Chunk
    samples: np.ndarray  # the converted read region
    left_overlap: int  # samples of `samples` that lie before the nominal start
    right_overlap: int  # samples of `samples` that lie after the nominal stop


def join(pieces: Iterable[ConvertedChunk]) -> Iterator[np.ndarray]:
    """The converted take as consecutive blocks, overlaps crossfaded (streams: one chunk held)."""
    pending: np.ndarray | None = None  # the previous chunk's right overlap, not yet written
    for piece in pieces:
        body = piece.samples
        head = body[: 2 * piece.left_overlap]
        if pending is not None and head.size and pending.size:
            n = min(head.shape[0], pending.shape[0])
            fade = np.linspace(0.0, 1.0, n, endpoint=False)
            mixed = pending[:n] * (1.0 - fade) + head[:n] * fade
            yield mixed  # with a narration style the overlaps may differ by a few samples
            body = body[n:]
        elif pending is not None:
            yield pending
        # Hold back the tail that the next chunk will crossfade over (its overlap, twice over).
        hold = min(2 * piece.right_overlap, body.shape[0])
        yield body[: body.shape[0] - hold]
        pending = body[body.shape[0] - hold :]
    if pending is not None and pending.size:
        yield pending
