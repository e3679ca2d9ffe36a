"""Convert a take into a voice: the engine's entry points for the service and the CLI.

`convert` works on samples in memory, `convert_file` streams a file to a file. Both cut long
takes at pauses and convert the chunks in parallel processes (at most one per core), keep the
length, match the loudness, and honour the pitch contract: the output's median f0 is the voice's
pitch moved by `semitones`, taking the speaker's f0 from `source_f0_hz` (a calibration) or, when
that is None, from the original itself.

Runs on the caller's thread; `progress(fraction, stage)` is called from it and `cancelled()` is
polled between chunks (a cancelled conversion raises `ConversionCancelled`).
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile

from voxbooth.engine import chunking, mastering, pipeline, prosody, transform, world
from voxbooth.engine.profiles import VoiceProfile, check_accent, narration_style_name
from voxbooth.lifeline import exit_when_gone

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]


class ConversionCancelled(RuntimeError):
    """The conversion was cancelled between chunks; nothing was returned or written."""


class ConversionError(ValueError):
    """The original cannot be converted; the message says why in the user's words."""


@dataclass(frozen=True)
class ConversionReport:
    duration_s: float
    source_f0_hz: float  # the speaker's f0 the shift started from
    source_f0_from: str  # "calibration" or "original"
    target_f0_hz: float  # the promised median f0 of the conversion
    voice: str
    rate_hz: int
    chunk_count: int
    formant_scale: float
    elapsed_s: float


@dataclass
class _Setup:
    """What one conversion decided before converting its chunks."""

    chunks: list[chunking.Chunk]
    jobs: list[pipeline.ChunkJob]
    report: ConversionReport


def convert(
    samples: np.ndarray,
    rate_hz: int,
    profile: VoiceProfile,
    *,
    source_f0_hz: float | None = None,
    semitones: float = 0.0,
    narration_style: str | None = None,
    accent_id: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    chunk_s: float = chunking.TARGET_CHUNK_S,
    max_workers: int | None = None,
) -> np.ndarray:
    """The take in `profile`'s voice, float32 mono at `rate_hz`."""
    out, _ = convert_with_report(
        samples,
        rate_hz,
        profile,
        source_f0_hz=source_f0_hz,
        semitones=semitones,
        narration_style=narration_style,
        accent_id=accent_id,
        progress=progress,
        cancelled=cancelled,
        chunk_s=chunk_s,
        max_workers=max_workers,
    )
    return out


def convert_with_report(
    samples: np.ndarray,
    rate_hz: int,
    profile: VoiceProfile,
    *,
    source_f0_hz: float | None = None,
    semitones: float = 0.0,
    narration_style: str | None = None,
    accent_id: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    chunk_s: float = chunking.TARGET_CHUNK_S,
    max_workers: int | None = None,
) -> tuple[np.ndarray, ConversionReport]:
    """`convert`, plus what it decided (source and target f0, chunks) as `convert_file` tells."""
    started = time.perf_counter()
    mono = _mono(samples)
    levels = chunking.frame_levels_db(mono, rate_hz)
    pauses = _pauses(lambda: mono, rate_hz, levels, chunk_s)
    chunks = chunking.plan_chunks(levels, mono.shape[0], rate_hz, chunk_s, pauses)
    sources: list[pipeline.Source] = [mono[c.read_start : c.read_stop] for c in chunks]
    with _pool(len(chunks), max_workers) as pool:
        setup = _prepare(
            pool,
            sources,
            chunks,
            rate_hz,
            profile,
            source_f0_hz,
            semitones,
            narration_style,
            accent_id,
            progress,
            cancelled,
        )
        blocks = list(chunking.join(_run(pool, setup, progress, cancelled)))
    _report(progress, 0.95, "mastering")
    out = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
    # Chunks were matched one by one; one more gain makes the whole take match as a whole.
    out = mastering.master(mono, out, rate_hz) if out.size else out.astype(np.float32)
    _report(progress, 1.0, "mastering")
    return out, _finish(setup.report, out.shape[0] / rate_hz, time.perf_counter() - started)


def convert_file(
    in_path: str | Path,
    out_path: str | Path,
    profile: VoiceProfile,
    *,
    source_f0_hz: float | None = None,
    semitones: float = 0.0,
    narration_style: str | None = None,
    accent_id: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    chunk_s: float = chunking.TARGET_CHUNK_S,
    max_workers: int | None = None,
) -> ConversionReport:
    """Convert an audio file (WAV/FLAC/OGG/MP3) into a 16-bit WAV/FLAC, streaming chunk by chunk."""
    started = time.perf_counter()
    try:
        info = soundfile.info(str(in_path))
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        raise ConversionError(f"cannot read the original: {exc}") from exc
    rate_hz = int(info.samplerate)
    levels = _stream_levels(Path(in_path), rate_hz)
    pauses = _pauses(lambda: _read_16k(Path(in_path), rate_hz), 16_000, levels, chunk_s)
    chunks = chunking.plan_chunks(levels, int(info.frames), rate_hz, chunk_s, pauses)
    region = pipeline.FileRegion(str(in_path))
    sources: list[pipeline.Source] = [region] * len(chunks)
    partial = Path(str(out_path) + ".part")
    try:
        with _pool(len(chunks), max_workers) as pool:
            setup = _prepare(
                pool,
                sources,
                chunks,
                rate_hz,
                profile,
                source_f0_hz,
                semitones,
                narration_style,
                accent_id,
                progress,
                cancelled,
            )
            fmt = "FLAC" if str(out_path).lower().endswith(".flac") else "WAV"
            with soundfile.SoundFile(
                str(partial), "w", rate_hz, 1, subtype="PCM_16", format=fmt
            ) as out:
                for block in chunking.join(_run(pool, setup, progress, cancelled)):
                    out.write(block)
                frames = out.frames
        os.replace(partial, out_path)  # never leave a half-written conversion under its name
    finally:
        partial.unlink(missing_ok=True)
    _report(progress, 1.0, "mastering")
    return _finish(setup.report, frames / rate_hz, time.perf_counter() - started)


def _finish(report: ConversionReport, duration_s: float, elapsed_s: float) -> ConversionReport:
    values = dict(report.__dict__, duration_s=duration_s, elapsed_s=elapsed_s)
    return ConversionReport(**values)


def _prepare(
    pool: Executor,
    sources: list[pipeline.Source],
    chunks: list[chunking.Chunk],
    rate_hz: int,
    profile: VoiceProfile,
    source_f0_hz: float | None,
    semitones: float,
    narration_style: str | None,
    accent_id: str | None,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> _Setup:
    """Phase 1: speaker statistics over the whole original, then one job per chunk."""
    check_accent(profile, accent_id)
    style = prosody.style_named(narration_style_name(profile, narration_style))
    if source_f0_hz is not None and not (20.0 <= source_f0_hz <= 2_000.0):
        raise ConversionError(f"calibration f0 of {source_f0_hz} Hz is not a speaking voice")
    _report(progress, 0.0, "analysing")
    want_envelope = profile.envelope_db is not None
    analyses = []
    futures = [
        pool.submit(pipeline.analyse_chunk, src, c, rate_hz, want_envelope)
        for src, c in zip(sources, chunks, strict=True)
    ]
    for done, future in enumerate(futures, start=1):
        _check(cancelled, futures)
        analyses.append(future.result())
        _report(progress, 0.2 * done / len(futures), "analysing")
    speaker, source_from = _speaker_stats(analyses, profile, source_f0_hz)
    the_plan = transform.plan(profile, speaker, semitones, style.range_scale)
    jobs = [
        pipeline.ChunkJob(src, a.chunk, rate_hz, a.f0_hz, profile, speaker, the_plan, style)
        for src, a in zip(sources, analyses, strict=True)
    ]
    report = ConversionReport(
        duration_s=chunks[-1].stop / rate_hz if chunks else 0.0,
        source_f0_hz=speaker.f0_hz,
        source_f0_from=source_from,
        target_f0_hz=the_plan.target_f0_hz,
        voice=profile.slug,
        rate_hz=rate_hz,
        chunk_count=len(chunks),
        formant_scale=the_plan.formant_scale,
        elapsed_s=0.0,
    )
    return _Setup(chunks, jobs, report)


def _speaker_stats(
    analyses: list[pipeline.ChunkAnalysis], profile: VoiceProfile, source_f0_hz: float | None
) -> tuple[transform.SpeakerStats, str]:
    voiced = np.concatenate([a.f0_hz[a.f0_hz > 0.0] for a in analyses] or [np.zeros(0)])
    spread_st = float(np.std(12.0 * np.log2(voiced))) if voiced.size > 1 else 0.0
    sums = [a.envelope_db_sum for a in analyses if a.envelope_db_sum is not None]
    envelope_db = None
    if sums:
        mean = np.sum(sums, axis=0) / max(sum(a.voiced_frames for a in analyses), 1)
        envelope_db = tuple(float(v) for v in mean)
    if source_f0_hz is not None:
        return transform.SpeakerStats(float(source_f0_hz), spread_st, envelope_db), "calibration"
    estimated = world.speaker_f0_hz(
        np.concatenate([a.f0_hz for a in analyses]), np.concatenate([a.levels_db for a in analyses])
    )
    # Nothing voiced (a whisper, noise): no pitch to move, so the voice's own pitch stands in.
    reference = estimated if estimated is not None else profile.pitch_hz
    return transform.SpeakerStats(reference, spread_st, envelope_db), "original"


def _run(
    pool: Executor, setup: _Setup, progress: Progress | None, cancelled: Cancelled | None
) -> Iterator[chunking.ConvertedChunk]:
    """Phase 2: converted chunks in order, at most two per worker in flight (bounded memory)."""
    window = 2 * max(getattr(pool, "_max_workers", 1), 1)
    pending: list[Future[chunking.ConvertedChunk]] = []
    jobs = iter(setup.jobs)
    total = len(setup.jobs)
    _report(progress, 0.2, "converting")
    for done in range(total):
        while len(pending) < window and (job := next(jobs, None)) is not None:
            pending.append(pool.submit(pipeline.convert_chunk, job))
        _check(cancelled, pending)
        yield pending.pop(0).result()
        # A finished chunk has been synthesised in the new voice (the last step of its work).
        _report(progress, 0.2 + 0.75 * (done + 1) / total, "synthesising")


def _check(cancelled: Cancelled | None, futures: list[Any]) -> None:
    if cancelled is not None and cancelled():
        for future in futures:
            future.cancel()
        raise ConversionCancelled("conversion cancelled")


def _report(progress: Progress | None, fraction: float, stage: str) -> None:
    if progress is not None:
        progress(min(max(fraction, 0.0), 1.0), stage)


def _mono(samples: np.ndarray) -> np.ndarray:
    data = np.asarray(samples, dtype=np.float64)
    if data.ndim == 2:
        data = data.mean(axis=1)
    if data.ndim != 1 or data.shape[0] == 0:
        raise ConversionError("the original has no audio")
    if not np.all(np.isfinite(data)):
        raise ConversionError("the original contains invalid samples (NaN or infinity)")
    return data


def _pauses(read: Callable[[], np.ndarray], rate_hz: int, levels: np.ndarray,
            chunk_s: float) -> list[tuple[float, float]] | None:
    """Where nobody speaks (the voice activity detector), for a take long enough to be cut;
    None when it is not, or without the detector's package (the cuts follow the level)."""
    from voxbooth.engine.neural import has

    if not chunking.will_cut(levels, chunk_s) or not has("voice activity"):
        return None
    from voxbooth.engine.neural import vad

    samples = read()
    speech = [(s.start_s, s.end_s) for s in vad.speech_segments(samples, rate_hz)]
    return chunking.pauses_between(speech, samples.shape[0] / rate_hz)


def _read_16k(path: Path, rate_hz: int) -> np.ndarray:
    """A file as mono 16 kHz, read block by block (a tenth of a 48 kHz take's size)."""
    from voxbooth.engine.neural.audio16k import to_16k

    blocks = [to_16k(block, rate_hz) for block in soundfile.blocks(
        str(path), blocksize=rate_hz * 30, dtype="float32", always_2d=True)]
    return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)


def _stream_levels(path: Path, rate_hz: int) -> np.ndarray:
    """Pause-finding levels of a file read block by block (a long take is never held whole)."""
    hop = max(int(rate_hz * 0.01), 1)
    levels = [
        chunking.frame_levels_db(block.mean(axis=1), rate_hz)
        for block in soundfile.blocks(
            str(path), blocksize=hop * 1000, dtype="float64", always_2d=True
        )
    ]
    return np.concatenate(levels) if levels else np.zeros(0)


class _InlineExecutor(Executor):
    """Runs tasks on the calling thread: a one-chunk take needs no process start-up."""

    _max_workers = 1

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


class _Borrowed(Executor):
    """The shared pool lent to one conversion: leaving the `with` block does not shut it down."""

    def __init__(self, pool: ProcessPoolExecutor, workers: int) -> None:
        self._pool = pool
        self._max_workers = workers

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        pass  # the pool outlives the conversion; its futures were waited for or cancelled


_shared_lock = threading.Lock()
_shared_pool: ProcessPoolExecutor | None = None


def _exit_with(owner_pid: int) -> None:
    """Worker initializer: end this worker once the process that owns the pool is gone.
    Workers are children of the forkserver, not of their owner, so a SIGKILLed service would
    otherwise leave them idle forever."""
    exit_when_gone(owner_pid, lambda: os._exit(0))


def _new_pool(workers: int) -> ProcessPoolExecutor:
    # forkserver: the service calls this from a threaded process, where plain fork can deadlock.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["voxbooth.engine.pipeline"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_exit_with, initargs=(os.getpid(),))


def _pool(chunk_count: int, max_workers: int | None) -> Executor:
    """Where the chunks run: inline for one chunk, else one pool of at most one worker per core.

    The pool is shared by every conversion of the process (starting one costs about 1.4 s, and
    concurrent conversions then still use no more processes than there are cores); a pool whose
    worker died is replaced. An explicit `max_workers` gets a pool of its own.
    """
    global _shared_pool
    cores = os.cpu_count() or 1
    workers = min(chunk_count, cores, max_workers or cores)
    if workers <= 1:
        return _InlineExecutor()
    if max_workers is not None:
        return _new_pool(workers)
    with _shared_lock:
        if _shared_pool is None or getattr(_shared_pool, "_broken", False):
            _shared_pool = _new_pool(cores)
            atexit.register(_shared_pool.shutdown, cancel_futures=True)
        return _Borrowed(_shared_pool, cores)
