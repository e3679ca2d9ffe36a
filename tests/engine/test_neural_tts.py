"""The natural English voice: the default for English, and what it says is heard back."""

from __future__ import annotations

from pathlib import Path

import pytest

from voxbooth.engine import tts
from voxbooth.engine.neural import transcribe
from voxbooth.engine.neural.proofing import word_error_rate

SENTENCES = (
    "The birch canoe slid on the smooth planks.",
    "Glue the sheet to the dark blue background.",
    "It is easy to tell the depth of a well.",
    "And you always want to see it in the superlative degree.",
)


def test_the_natural_voice_is_listed_first_and_is_the_english_default() -> None:
    voices = tts.tts_voices()
    natural = voices[0]
    assert natural.engine == tts.NATURAL_ENGINE and natural.language == "en"
    assert natural.is_default and sum(v.is_default for v in voices) == 1
    assert tts.synthesize("Hello there.", language="en")[1] == 24_000
    espeak_en = [v for v in voices if v.language == "en" and v.engine == "espeak-ng"]
    assert len(espeak_en) == 2  # still offered beside it


def _heard(text: str, voice_id: str, cache_dir: Path) -> str:
    samples, rate_hz = tts.synthesize(text, voice_id=voice_id)
    return transcribe.transcribe(samples, rate_hz, language="en", cache_dir=cache_dir).text


def test_what_the_natural_voice_says_is_heard_back(tmp_path: Path) -> None:
    """Whisper tiny.en hears the natural voice at least as well as espeak-ng's (word error rate
    over four sentences, 37 words: one Harvard sentence, "the birch canoe", is hard for both)."""
    voices = tts.tts_voices()
    natural = voices[0].id
    espeak = next(v.id for v in voices if v.language == "en" and v.engine == "espeak-ng")
    script = " ".join(SENTENCES)
    natural_wer = word_error_rate(script, " ".join(_heard(s, natural, tmp_path)
                                                   for s in SENTENCES))
    espeak_wer = word_error_rate(script, " ".join(_heard(s, espeak, tmp_path)
                                                  for s in SENTENCES))
    print(f"word error rate: natural {natural_wer:.3f}, espeak-ng {espeak_wer:.3f}")
    assert natural_wer <= 0.1
    assert natural_wer <= espeak_wer


def test_rate_speaks_faster_or_slower() -> None:
    text = SENTENCES[0]
    normal, _ = tts.synthesize(text, language="en")
    fast, _ = tts.synthesize(text, language="en", rate=1.4)
    slow, _ = tts.synthesize(text, language="en", rate=0.75)
    assert len(fast) / len(normal) == pytest.approx(1 / 1.4, rel=0.15)
    assert len(slow) / len(normal) == pytest.approx(1 / 0.75, rel=0.15)
