"""Accent samples: a reference phrase spoken by espeak-ng, converted into the accent's voice.

The engine cannot change an accent, so each catalogue voice offers only its native one; the
sample's phrase is in that accent's language (from `resources/prompts/reference_phrases.json`).
A sample is made once per accent and cached as a WAV file in the caller's cache folder.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np
import soundfile

from voxbooth.engine import tts
from voxbooth.engine.convert import convert
from voxbooth.engine.profiles import ProfileError, VoiceProfile, load_profiles
from voxbooth.resources import resources_dir


def _phrases() -> dict[str, str]:
    path = resources_dir() / "prompts" / "reference_phrases.json"
    phrases: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))["phrases"]
    return phrases


def _accent_locale(accent_id: str) -> tuple[VoiceProfile, str]:
    catalogue = json.loads(
        (resources_dir() / "voices" / "catalogue.json").read_text(encoding="utf-8")
    )
    profiles = load_profiles()
    for voice in catalogue["voices"]:
        for accent in voice.get("accents", []):
            if accent["id"] == accent_id:
                return profiles[voice["slug"]], str(accent["info"]["locale"])
    raise ProfileError(f"unknown accent {accent_id!r}")


def make_accent_sample(accent_id: str) -> tuple[np.ndarray, int]:
    """The reference phrase in the accent's language, converted into the accent's voice."""
    profile, locale = _accent_locale(accent_id)
    language = locale.split("-")[0].lower()
    phrases = _phrases()
    if language not in phrases or language not in tts.LANGUAGES:
        language = "en"
    # The female espeak voice for female voices keeps the shift (and its artefacts) small.
    kind = "female" if profile.gender == "female" else "male"
    voice = next(v for v in tts.tts_voices() if v.language == language and v.name.endswith(kind))
    samples, rate_hz = tts.synthesize(phrases[language], voice_id=voice.id)
    converted = convert(samples, rate_hz, profile, accent_id=accent_id)
    return converted, rate_hz


def accent_sample_file(accent_id: str, cache_dir: str | Path) -> Path:
    """The cached sample WAV of an accent, made on first use (written atomically)."""
    folder = Path(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"accent-{accent_id}.wav"
    if path.exists():
        return path
    samples, rate_hz = make_accent_sample(accent_id)
    handle, partial = tempfile.mkstemp(dir=folder, suffix=".wav.part")
    os.close(handle)
    try:
        soundfile.write(partial, samples, rate_hz, subtype="PCM_16", format="WAV")
        os.replace(partial, path)
    finally:
        Path(partial).unlink(missing_ok=True)
    return path
