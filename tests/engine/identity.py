"""Who a conversion sounds like: speaker similarity (d-vectors) and word error rate (Whisper)
of conversions of real speech, for the identity benchmark and its slower test."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voxbooth.engine import tts
from voxbooth.engine.clone import estimate_profile
from voxbooth.engine.convert import convert
from voxbooth.engine.neural import speaker, transcribe
from voxbooth.engine.neural.proofing import word_error_rate
from voxbooth.engine.profiles import VoiceProfile, load_profiles

ARCTIC_TEXT = "And you always want to see it in the superlative degree."
# What a sampled speaker reads for a cloned voice (Harvard sentences, about 15 s in all).
SAMPLE_SENTENCES = (
    "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background.",
    "It is easy to tell the depth of a well. These days a chicken leg is a rare dish.",
    "Rice is often served in round bowls. The juice of lemons makes fine punch.",
)


@dataclass(frozen=True)
class VoiceScore:
    name: str
    species: str
    to_source: float  # similarity of the conversion to the speaker of the take
    nearest: float  # to the most similar other voice's conversion of the same take
    nearest_name: str
    wer: float


@dataclass(frozen=True)
class CloneScore:
    speaker: str
    to_sampled: float  # the conversion against the sampled speaker's own clips
    to_source: float
    source_to_sampled: float  # the unconverted take against the sampled speaker: the floor
    wer: float


def heard_wer(samples: np.ndarray, rate_hz: int, cache_dir: Path,
              text: str = ARCTIC_TEXT) -> float:
    heard = transcribe.transcribe(samples, rate_hz, language="en", cache_dir=cache_dir)
    return word_error_rate(text, heard.text)


@dataclass(frozen=True)
class Catalogue:
    """Every chosen voice's conversion of one take, its d-vector, and their pairwise matrix."""

    names: list[str]
    converted: dict[str, np.ndarray]
    vectors: dict[str, np.ndarray]

    def matrix(self) -> np.ndarray:
        return np.array([[speaker.similarity(self.vectors[a], self.vectors[b])
                          for b in self.names] for a in self.names])

    def pairs_above(self, threshold: float) -> list[tuple[float, str, str]]:
        m = self.matrix()
        found = [(float(m[i, j]), a, b) for i, a in enumerate(self.names)
                 for j, b in enumerate(self.names) if j > i and m[i, j] >= threshold]
        return sorted(found, reverse=True)


def convert_catalogue(samples: np.ndarray, rate_hz: int,
                      profiles: Sequence[VoiceProfile]) -> Catalogue:
    converted = {p.name: convert(samples, rate_hz, p, max_workers=1) for p in profiles}
    vectors = {name: speaker.embedding(audio, rate_hz) for name, audio in converted.items()}
    return Catalogue([p.name for p in profiles], converted, vectors)


def score_catalogue(samples: np.ndarray, rate_hz: int, cache_dir: Path,
                    profiles: Sequence[VoiceProfile] | None = None,
                    catalogue: Catalogue | None = None) -> list[VoiceScore]:
    chosen = list(profiles if profiles is not None else load_profiles().values())
    source = speaker.embedding(samples, rate_hz)
    done = catalogue if catalogue is not None else convert_catalogue(samples, rate_hz, chosen)
    converted, vectors = done.converted, done.vectors
    scores = []
    for p in chosen:
        others = [(speaker.similarity(vectors[p.name], vectors[q.name]), q.name)
                  for q in chosen if q.name != p.name]
        nearest, nearest_name = max(others) if others else (0.0, "")
        scores.append(VoiceScore(p.name, p.species, speaker.similarity(vectors[p.name], source),
                                 nearest, nearest_name,
                                 heard_wer(converted[p.name], rate_hz, cache_dir)))
    return scores


def sampled_speakers() -> dict[str, list[tuple[np.ndarray, int]]]:
    """Speakers to clone that are not the take's: the natural TTS voice and espeak-ng's
    English female voice, each reading the sample sentences."""
    voices = tts.tts_voices()
    chosen = {"natural TTS": voices[0].id,
              "espeak en female": next(v.id for v in voices if v.name == "espeak en female")}
    return {name: [tts.synthesize(s, voice_id=vid) for s in SAMPLE_SENTENCES]
            for name, vid in chosen.items()}


def score_clone(samples: np.ndarray, rate_hz: int, name: str,
                clips: list[tuple[np.ndarray, int]], cache_dir: Path) -> CloneScore:
    profile = estimate_profile(clips, name=name)
    out = convert(samples, rate_hz, profile, max_workers=1)
    target = np.mean([speaker.embedding(s, r) for s, r in clips], axis=0)
    source = speaker.embedding(samples, rate_hz)
    mine = speaker.embedding(out, rate_hz)
    return CloneScore(name, speaker.similarity(mine, target), speaker.similarity(mine, source),
                      speaker.similarity(source, target), heard_wer(out, rate_hz, cache_dir))


def same_speaker_reference(clips: list[tuple[np.ndarray, int]]) -> float:
    """The lowest similarity between two clips of one speaker: what 'the same person' scores."""
    vectors = [speaker.embedding(s, r) for s, r in clips]
    return min(speaker.similarity(a, b) for i, a in enumerate(vectors) for b in vectors[i + 1:])
