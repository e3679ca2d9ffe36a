"""TTS originals: audible speech in several languages, the language detected from the text."""

from __future__ import annotations

import uuid

import numpy as np
import pytest

from voxbooth.engine import tts
from voxbooth.engine.convert import convert
from voxbooth.engine.profiles import profile_for_voice

from .measure import praat_f0_hz

TEXTS = {
    "en": "The quick brown fox jumps over the lazy dog near the river bank.",
    "es": "El rápido zorro marrón salta sobre el perro perezoso cerca del río.",
    "fr": "Le renard brun rapide saute par-dessus le chien paresseux près de la rivière.",
    "de": "Der schnelle braune Fuchs springt über den faulen Hund am Flussufer.",
    "it": "La volpe marrone veloce salta sopra il cane pigro vicino al fiume.",
}


def test_tts_voices_cover_several_languages_with_stable_ids() -> None:
    voices = tts.tts_voices()
    assert {"en", "es", "fr", "de", "it", "pt"} <= {v.language for v in voices}
    assert sum(v.is_default for v in voices) == 1
    assert len({v.id for v in voices}) == len(voices)
    assert [v.id for v in voices] == [v.id for v in tts.tts_voices()]
    assert all(uuid.UUID(v.id).version == 5 for v in voices)


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_each_language_is_spoken_and_detected(language: str) -> None:
    assert tts.detect_language(TEXTS[language]) == language
    samples, rate_hz = tts.synthesize(TEXTS[language])  # language detected
    assert rate_hz == (24_000 if language == "en" else 22_050)  # English: the natural voice
    assert 2.0 < samples.shape[0] / rate_hz < 8.0
    assert float(np.sqrt(np.mean(samples**2))) > 0.02  # audible
    voiced_s = praat_f0_hz(samples, rate_hz).size * 0.01  # Praat's 10 ms frames
    assert voiced_s > 1.0  # speech, not noise


def test_a_voice_by_id_sets_its_pitch() -> None:
    female = next(v for v in tts.tts_voices()
                  if v.language == "en" and "female" in v.name and v.engine == "espeak-ng")
    samples, rate_hz = tts.synthesize(TEXTS["en"], voice_id=female.id)
    median_hz = float(np.median(praat_f0_hz(samples, rate_hz)))
    assert abs(np.log2(median_hz / female.f0_hz)) < 1.0 / 12.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "   "}, "the text is empty"),
        ({"text": "hello", "language": "tlh"}, "not supported"),
        ({"text": "hello", "voice_id": "nope"}, "unknown TTS voice"),
        ({"text": "a" * 6_000}, "limit is 5000"),
    ],
)
def test_bad_tts_requests_are_explained(kwargs: dict[str, str], message: str) -> None:
    text = kwargs.pop("text")
    with pytest.raises(tts.TtsError, match=message):
        tts.synthesize(text, **kwargs)


def test_narration_styles_shape_the_prosody_of_a_tts_original() -> None:
    samples, rate_hz = tts.synthesize(TEXTS["en"] + " " + TEXTS["en"], language="en")
    profile = profile_for_voice("marcus")
    spread = {}
    lengths = {}
    for style in ("Neutral", "Calm", "Energetic", "Storyteller"):
        out = convert(samples, rate_hz, profile, narration_style=style)
        f0 = praat_f0_hz(out, rate_hz)
        spread[style] = float(np.subtract(*np.percentile(12 * np.log2(f0), [90, 10])))
        lengths[style] = out.shape[0] / rate_hz
        # A style reshapes the melody around the voice's pitch; the pitch contract still holds.
        assert abs(1200.0 * np.log2(float(np.median(f0)) / profile.pitch_hz)) < 25.0, style
    assert lengths["Neutral"] == pytest.approx(samples.shape[0] / rate_hz, abs=0.01)
    assert lengths["Energetic"] < lengths["Neutral"] * 0.95  # faster, shorter pauses
    assert lengths["Calm"] > lengths["Neutral"] * 1.05
    assert lengths["Storyteller"] > lengths["Neutral"] * 1.05  # long pauses
    assert spread["Calm"] < spread["Neutral"] < spread["Energetic"]
    assert spread["Storyteller"] > spread["Neutral"]
