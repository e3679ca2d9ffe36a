"""Text to speech with espeak-ng (via `espeakng-loader`, no system package); language detection.

With the `neural` extra, English has a natural voice too (hibari-tts, `neural.natural_tts`),
listed first and the default for English; espeak-ng keeps every language.

espeak-ng keeps global state, so one lock serialises every call in a process; it is initialised
in synchronous mode and a synth callback collects the 16-bit samples (22050 Hz) into a list.
"""

from __future__ import annotations

import ctypes
import threading
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

# The languages offered: espeak-ng voice name, lingua language name.
LANGUAGES: dict[str, tuple[str, str]] = {
    "en": ("en-us", "ENGLISH"),
    "es": ("es", "SPANISH"),
    "fr": ("fr", "FRENCH"),
    "de": ("de", "GERMAN"),
    "it": ("it", "ITALIAN"),
    "pt": ("pt", "PORTUGUESE"),
    "nl": ("nl", "DUTCH"),
    "sv": ("sv", "SWEDISH"),
    "ja": ("ja", "JAPANESE"),  # espeak-ng reads kana; it spells kanji out
}
# espeak-ng variants: (variant suffix, display name, nominal f0 measured here with Praat, Hz).
_VARIANTS = (("", "male", 103.0), ("+f3", "female", 214.0))
_NAMESPACE = uuid.UUID("6f1d3f1e-3c1a-5b7e-9a55-7fd1c0e0b001")
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_ESPEAK_CHARS_UTF8 = 1
_ESPEAK_RATE = 1
MAX_TEXT_CHARS = 5_000


class TtsError(ValueError):
    """Text that cannot be spoken, said in the user's words."""


@dataclass(frozen=True)
class TtsVoice:
    id: str
    name: str
    language: str  # ISO 639-1
    f0_hz: float
    is_default: bool
    espeak_name: str
    engine: str = "espeak-ng"  # or "hibari" (the natural English voice)


NATURAL_ENGINE = "hibari"
# Praat's median f0 of the natural voice over five Harvard and ARCTIC sentences (182-205 Hz
# each: its intonation follows the text, as a reader's does).
_NATURAL_VOICE = ("natural en female (Heart)", 197.0)


def _natural_voice() -> TtsVoice | None:
    from voxbooth.engine.neural import has

    if not has("natural TTS"):
        return None
    name, f0_hz = _NATURAL_VOICE
    return TtsVoice(id=str(uuid.uuid5(_NAMESPACE, "hibari:heart")), name=name, language="en",
                    f0_hz=f0_hz, is_default=True, espeak_name="", engine=NATURAL_ENGINE)


def tts_voices() -> list[TtsVoice]:
    """Two espeak-ng voices (male, female) for each language and, when hibari-tts is
    installed, the natural English voice first: the default. Without it the English espeak-ng
    male voice is the default."""
    natural = _natural_voice()
    voices = [natural] if natural else []
    for language, (espeak_name, _) in LANGUAGES.items():
        for suffix, kind, f0_hz in _VARIANTS:
            name = f"espeak {language} {kind}"
            voices.append(
                TtsVoice(
                    id=str(uuid.uuid5(_NAMESPACE, f"espeak-ng:{espeak_name}{suffix}")),
                    name=name,
                    language=language,
                    f0_hz=f0_hz,
                    is_default=natural is None and language == "en" and suffix == "",
                    espeak_name=espeak_name + suffix,
                )
            )
    return voices


def _voice_for(language: str | None, voice_id: str | None) -> TtsVoice:
    voices = tts_voices()
    if voice_id is not None:
        for voice in voices:
            if voice.id == voice_id:
                return voice
        raise TtsError(f"unknown TTS voice {voice_id!r}")
    if language is not None:
        code = language.strip().lower().split("-")[0]
        for voice in voices:
            if voice.language == code:
                return voice
        raise TtsError(f"language {language!r} is not supported; use one of {', '.join(LANGUAGES)}")
    return next(v for v in voices if v.is_default)


def synthesize(
    text: str, *, language: str | None = None, voice_id: str | None = None, rate: float = 1.0
) -> tuple[np.ndarray, int]:
    """Speech for `text` as float32 samples and their rate (22050 Hz for espeak-ng, 24000 Hz
    for the natural voice). `rate` > 1 speaks faster (the natural voice only; espeak-ng
    originals are re-timed by the narration style when converted).

    With neither language nor voice the language is detected from the text.
    """
    clean = " ".join(text.split())
    if not clean:
        raise TtsError("the text is empty")
    if len(clean) > MAX_TEXT_CHARS:
        raise TtsError(f"the text is {len(clean)} characters long; the limit is {MAX_TEXT_CHARS}")
    if language is None and voice_id is None:
        language = detect_language(clean)
    voice = _voice_for(language, voice_id)
    if voice.engine == NATURAL_ENGINE:
        from voxbooth.engine.neural import natural_tts

        return natural_tts.speak(clean, speed=rate)
    return _Espeak.instance().speak(clean, voice.espeak_name)


class _Espeak:
    """The process's one espeak-ng engine."""

    _lock = threading.Lock()
    _singleton: _Espeak | None = None

    def __init__(self) -> None:
        import espeakng_loader

        self._lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self._chunks: list[np.ndarray] = []
        callback_type = ctypes.CFUNCTYPE(
            ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
        )
        # Kept on self: ctypes would otherwise free the trampoline while espeak still calls it.
        self._callback = callback_type(self._collect)
        self._lib.espeak_Initialize.argtypes = [
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_int,
        ]
        path = espeakng_loader.get_data_path().encode()
        self.rate_hz = int(self._lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, path, 0))
        if self.rate_hz <= 0:
            raise TtsError("espeak-ng could not start")
        self._lib.espeak_SetSynthCallback(self._callback)
        self._lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self._lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]

    @classmethod
    def instance(cls) -> _Espeak:
        with cls._lock:
            if cls._singleton is None:
                cls._singleton = _Espeak()
            return cls._singleton

    def _collect(self, wav: Any, count: int, _events: Any) -> int:
        if count > 0 and wav:
            import numpy as np  # loaded by `speak` already: a look-up

            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0  # 0 = keep going

    def speak(self, text: str, espeak_voice: str) -> tuple[np.ndarray, int]:
        import numpy as np  # here, not at import: the service lists voices at start

        with self._lock:
            self._chunks = []
            if self._lib.espeak_SetVoiceByName(espeak_voice.encode()) != 0:
                raise TtsError(f"espeak-ng has no voice {espeak_voice!r}")
            data = text.encode("utf-8") + b"\0"
            flags = _ESPEAK_CHARS_UTF8
            status = self._lib.espeak_Synth(
                data, len(data), 0, _POS_CHARACTER, 0, flags, None, None
            )
            self._lib.espeak_Synchronize()
            if status != 0:
                raise TtsError(f"espeak-ng failed to speak (status {status})")
            pcm = np.concatenate(self._chunks) if self._chunks else np.zeros(0, dtype=np.int16)
            self._chunks = []
        return (pcm.astype(np.float32) / 32768.0), self.rate_hz


@lru_cache(maxsize=1)
def _detector() -> Any:
    # Only the offered languages: all of lingua's would cost 8 s and 1.2 GB (SETUP-NOTES).
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, lingua_name) for _, lingua_name in LANGUAGES.values()]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the text's language among those offered ("en" when unsure)."""
    found = _detector().detect_language_of(text)
    if found is None:
        return "en"
    code = str(found.iso_code_639_1.name).lower()
    return code if code in LANGUAGES else "en"
