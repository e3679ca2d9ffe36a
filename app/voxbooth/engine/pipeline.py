"""The per-chunk work of a conversion, as plain functions a worker process can run.

Phase 1 (`analyse_chunk`) tracks f0 on a 16 kHz copy so the whole original's speaker statistics
are known before any chunk is converted; phase 2 (`convert_chunk`) reuses that f0 track, runs the
rest of WORLD, applies the voice and synthesises. A task carries either its slice of an in-memory
take or a file region that the worker reads itself, so no process ever holds the whole take.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pyworld
import soundfile

from voxbooth.engine import envelope as env
from voxbooth.engine import mastering, prosody, transform, world
from voxbooth.engine.chunking import Chunk, ConvertedChunk
from voxbooth.engine.profiles import VoiceProfile


@dataclass(frozen=True)
class FileRegion:
    path: str


Source = np.ndarray | FileRegion


def read_region(source: Source, start: int, stop: int) -> np.ndarray:
    """Mono float64 samples [start, stop) of an in-memory slice or of a file."""
    if isinstance(source, FileRegion):
        data, _ = soundfile.read(
            source.path, start=start, stop=stop, dtype="float64", always_2d=True
        )
        return np.ascontiguousarray(data.mean(axis=1))
    return np.ascontiguousarray(source, dtype=np.float64)


@dataclass
class ChunkAnalysis:
    chunk: Chunk
    f0_hz: np.ndarray  # f0 track of the read region on WORLD's frame grid
    levels_db: np.ndarray  # level per frame (for the speaker's f0, see world.speaker_f0_hz)
    envelope_db_sum: np.ndarray | None  # sum of long-term envelopes (clones only)
    voiced_frames: int


def analyse_chunk(source: Source, chunk: Chunk, rate_hz: int, want_envelope: bool) -> ChunkAnalysis:
    samples = read_region(source, chunk.read_start, chunk.read_stop)
    x16 = world.to_analysis_rate(samples, rate_hz)
    f0_hz, times_s = world.track_f0(x16)
    voiced = int(np.count_nonzero(f0_hz > 0.0))
    envelope_sum = None
    if want_envelope and voiced:
        spectrum = pyworld.cheaptrick(x16, f0_hz, times_s, world.ANALYSIS_RATE_HZ)
        envelope_sum = env.long_term_envelope_db(spectrum, f0_hz, world.ANALYSIS_RATE_HZ) * voiced
    levels_db = world.frame_levels_db(x16, times_s)
    return ChunkAnalysis(chunk, f0_hz, levels_db, envelope_sum, voiced)


@dataclass(frozen=True)
class ChunkJob:
    source: Source
    chunk: Chunk
    rate_hz: int
    f0_hz: np.ndarray
    profile: VoiceProfile
    speaker: transform.SpeakerStats
    plan: transform.Plan
    style: prosody.NarrationStyle


def convert_chunk(job: ChunkJob) -> ConvertedChunk:
    """One chunk in the new voice, at its original's loudness, below full scale."""
    chunk = job.chunk
    samples = read_region(job.source, chunk.read_start, chunk.read_stop)
    features = world.analyse(samples, job.rate_hz, f0_hz=job.f0_hz)
    features = prosody.restyle(features, job.style)
    start_s = chunk.read_start / job.rate_hz
    seed = zlib.crc32(f"{job.profile.slug}:{chunk.index}".encode())
    converted = transform.apply(
        features, job.profile, job.speaker, job.plan, start_s=start_s, seed=seed
    )
    out = world.synthesise(converted)
    out = transform.ring_modulate(out, job.rate_hz, job.profile, job.plan, start_s)
    wanted = _output_length(samples.shape[0], features.frame_count, job)
    out = _fit(out, wanted)
    out = mastering.master(samples, out, job.rate_hz)
    ratio = wanted / max(samples.shape[0], 1)
    return ConvertedChunk(
        chunk,
        out,
        left_overlap=round((chunk.start - chunk.read_start) * ratio),
        right_overlap=round((chunk.read_stop - chunk.stop) * ratio),
    )


def _output_length(input_length: int, frames: int, job: ChunkJob) -> int:
    """Same length as the input, unless a narration style changed the rate."""
    if job.style.rate == 1.0 and job.style.pause_scale == 1.0:
        return input_length
    return round(frames * world.FRAME_PERIOD_MS / 1000.0 * job.rate_hz)


def _fit(samples: np.ndarray, length: int) -> np.ndarray:
    if samples.shape[0] >= length:
        return samples[:length]
    return np.concatenate([samples, np.zeros(length - samples.shape[0])])
