"""Analyses of takes on disk, read in blocks so a long take never sits in memory whole."""

from __future__ import annotations

from pathlib import Path

import soundfile as sf

from voxbooth.dsp.pitch import PitchFrames, PitchTracker
from voxbooth.dsp.quality import QualityReport, TakeKind, TakeStats, check_stats

_BLOCK_FRAMES = 1 << 16


def track_file_pitch(path: Path, **options: float) -> PitchFrames:
    """The f0 track of a whole take file (mixed to mono)."""
    with sf.SoundFile(path) as take:
        tracker = PitchTracker(take.samplerate, **options)
        parts = [tracker.process(block) for block in
                 take.blocks(blocksize=_BLOCK_FRAMES, dtype="float32", always_2d=True)]
    return PitchFrames.concatenate(parts)


def check_take_file(path: Path, kind: TakeKind = "original",
                    max_upload_bytes: int | None = None,
                    duration_range_s: tuple[float, float] | None = None) -> QualityReport:
    """The quality check of a take on disk (its size counts against `max_upload_bytes`, the
    service's upload limit, and its length against `duration_range_s`, the service's range for
    this kind, when given)."""
    with sf.SoundFile(path) as take:
        stats = TakeStats(take.samplerate)
        for block in take.blocks(blocksize=_BLOCK_FRAMES, dtype="float32", always_2d=True):
            stats.add(block)
    return check_stats(stats, kind, file_size_bytes=Path(path).stat().st_size,
                       max_upload_bytes=max_upload_bytes, duration_range_s=duration_range_s)
