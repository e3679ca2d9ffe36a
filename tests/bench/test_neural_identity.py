"""Who conversions sound like, and what the neural parts cost (issue 15).

Run on demand: `make bench` or `.venv/bin/pytest -s tests/bench/test_neural_identity.py`;
`VOXBOOTH_BENCH_VOICES=aiko,priya,elena` converts only those voices (a quicker look at a few).
Prints, for every catalogue voice's conversion of real speech (CMU ARCTIC a0007), its speaker
similarity to the source and to the nearest other voice's conversion and the word error rate
of its transcript; for cloned voices, similarity to the sampled speaker and to the source;
then real-time factors and load times of the neural parts. Each figure beside its reference
from the same run (the unconverted take; two clips of one speaker).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile
from scipy.signal import resample_poly

from tests.engine.identity import (
    ARCTIC_TEXT,
    SAMPLE_SENTENCES,
    convert_catalogue,
    heard_wer,
    same_speaker_reference,
    sampled_speakers,
    score_catalogue,
    score_clone,
)
from voxbooth.engine.profiles import load_profiles


@pytest.mark.timeout(1800)
def test_every_catalogue_voice_and_clone(speech_path: Path, tmp_path: Path) -> None:
    samples, rate_hz = soundfile.read(speech_path, dtype="float64")
    original_wer = heard_wer(samples, rate_hz, tmp_path)
    speakers = sampled_speakers()
    same = {name: same_speaker_reference(clips) for name, clips in speakers.items()}
    wanted = [v for v in os.environ.get("VOXBOOTH_BENCH_VOICES", "").split(",") if v]
    profiles = [p for p in load_profiles().values() if not wanted or p.slug in wanted]
    catalogue = convert_catalogue(samples, rate_hz, profiles)
    scores = score_catalogue(samples, rate_hz, tmp_path, profiles, catalogue)
    print(f"\nunconverted take: WER {original_wer:.2f}; two clips of one speaker score "
          + ", ".join(f"{n} {v:.2f}" for n, v in same.items()))
    print(f"{'voice':10s} {'species':8s} {'to source':>9s} {'nearest other':>22s} {'WER':>5s}")
    for s in scores:
        print(f"{s.name:10s} {s.species:8s} {s.to_source:9.2f} "
              f"{s.nearest:6.2f} ({s.nearest_name:>13s}) {s.wer:5.2f}")
    human = [s for s in scores if s.species == "human"]
    print(f"human voices: to source median {np.median([s.to_source for s in human]):.2f}, "
          f"nearest other median {np.median([s.nearest for s in human]):.2f} "
          f"(max {max(s.nearest for s in human):.2f}); pairs above the same-speaker "
          f"reference {min(same.values()):.2f}: "
          f"{sum(s.nearest >= min(same.values()) for s in human)} voices")
    print("pairwise similarity of the conversions (rows and columns in catalogue order):")
    print("          " + " ".join(f"{n[:5]:>5s}" for n in catalogue.names))
    for name, row in zip(catalogue.names, catalogue.matrix(), strict=True):
        print(f"{name[:9]:9s} " + " ".join(f"{v:5.2f}" for v in row))
    above = catalogue.pairs_above(min(same.values()))
    print(f"pairs of voices at or above two clips of one speaker ({min(same.values()):.2f}): "
          f"{len(above)} of {len(catalogue.names) * (len(catalogue.names) - 1) // 2}"
          + "".join(f"; {a}/{b} {v:.2f}" for v, a, b in above))
    for name, clips in speakers.items():
        c = score_clone(samples, rate_hz, name, clips, tmp_path)
        goal = "met" if c.to_sampled > c.to_source else "not met"
        print(f"clone of {name}: to sampled {c.to_sampled:.2f} "
              f"(unconverted {c.source_to_sampled:.2f}), to source {c.to_source:.2f}, "
              f"WER {c.wer:.2f} (original {original_wer:.2f}); "
              f"goal: to sampled > to source -> {goal}")
    assert len(scores) == len(profiles)


def _rtf(work: object, audio_s: float, repeats: int = 2) -> float:
    work()  # type: ignore[operator]  # first call loads the model: not counted
    started = time.perf_counter()
    for _ in range(repeats):
        work()  # type: ignore[operator]
    return (time.perf_counter() - started) / repeats / audio_s


@pytest.mark.timeout(1200)
def test_real_time_factors(speech_path: Path, tmp_path: Path) -> None:
    from voxbooth.engine import tts
    from voxbooth.engine.neural import denoise, speaker, transcribe, vad

    samples, rate_hz = soundfile.read(speech_path, dtype="float32")
    # about 20 s of varied speech (a sentence repeated sends Whisper into its fallbacks)
    others = [resample_poly(tts.synthesize(s, language="en")[0], 2, 3) for s in SAMPLE_SENTENCES]
    take = np.concatenate([samples, *others]).astype(np.float32)
    seconds = len(take) / rate_hz
    at_48k = resample_poly(take, 3, 1).astype(np.float32)
    text = " ".join([ARCTIC_TEXT] * 3)
    spoken, tts_rate = tts.synthesize(text, language="en")
    espeak_id = next(v.id for v in tts.tts_voices() if v.name == "espeak en male")
    figures = {
        "voice activity": _rtf(lambda: vad.speech_segments(take, rate_hz), seconds),
        "speaker embedding": _rtf(lambda: speaker.embedding(take, rate_hz), seconds),
        "transcription tiny.en": _rtf(lambda: transcribe.transcribe(
            take, rate_hz, language="en", cache_dir=tmp_path), seconds),
        "transcription base": _rtf(lambda: transcribe.transcribe(
            take, rate_hz, language=None, cache_dir=tmp_path), seconds),
        "noise reduction (48 kHz)": _rtf(lambda: denoise.denoise(at_48k, 48_000), seconds),
        "natural TTS": _rtf(lambda: tts.synthesize(text, language="en"),
                            len(spoken) / tts_rate),
        "espeak-ng TTS (reference)": _rtf(lambda: tts.synthesize(text, voice_id=espeak_id),
                                          len(spoken) / tts_rate),
    }
    print()
    for name, rtf in figures.items():
        print(f"{name:28s} RTF {rtf:.3f}")


_LOADS = {
    "reference: scipy alone": "import scipy.signal",
    "voice activity": "from voxbooth.engine.neural import vad; vad.speech_segments(x, 16000)",
    "speaker embedding": "from voxbooth.engine.neural import speaker; speaker.embedding(x, 16000)",
    "transcription tiny.en": "from voxbooth.engine.neural import transcribe; "
                             "transcribe.transcribe(x, 16000, language='en', cache_dir=d)",
    "transcription base": "from voxbooth.engine.neural import transcribe; "
                          "transcribe.transcribe(x, 16000, language=None, cache_dir=d)",
    "natural TTS": "from voxbooth.engine.neural import natural_tts; natural_tts.speak('Hi.')",
    "noise reduction": "from voxbooth.engine.neural import denoise; denoise.denoise(x, 16000)",
}


@pytest.mark.timeout(900)
def test_import_and_first_use_in_a_fresh_process(tmp_path: Path) -> None:
    """What a worker pays once: import plus first call (model load) on one second of noise."""
    print()
    for name, code in _LOADS.items():
        script = ("import time, numpy as np; t = time.perf_counter(); "
                  f"x = np.random.default_rng(0).normal(0, 0.1, 16000).astype('float32'); "
                  f"d = {str(tmp_path)!r}; {code}; print(time.perf_counter() - t)")
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             check=True, timeout=300)
        print(f"{name:24s} import + first use {float(out.stdout.strip().splitlines()[-1]):.2f} s")
