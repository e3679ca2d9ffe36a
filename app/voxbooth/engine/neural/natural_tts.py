"""Natural English speech from text: hibari-tts (one voice distilled from Kokoro, 8 MB ONNX).

Only the voice inside the wheel ("heart", American English) is offered: its model path is
asked for with `download_missing=False` and handed to the engine, so hibari's download of its
other voices can never run.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from voxbooth.engine.neural import require

VOICE = "heart"
RATE_HZ = 24_000
_lock = threading.Lock()
_engine: Any = None


def _tts() -> Any:
    global _engine
    if _engine is None:
        require("natural TTS")
        from hibari import Hibari
        from hibari.voices import voice_path

        _engine = Hibari(voice=VOICE, model=voice_path(VOICE, download_missing=False),
                         threads=1)
    return _engine


def speak(text: str, *, speed: float = 1.0, seed: int = 0) -> tuple[np.ndarray, int]:
    """float32 samples at 24 kHz; `speed` 0.5 (slow) .. 2.0 (fast), `seed` fixes the
    breath noise so the same text gives the same take."""
    with _lock:  # the G2P keeps state between words; one sentence at a time per process
        samples = _tts()(text, speed=float(np.clip(speed, 0.5, 2.0)), seed=seed)
    return np.asarray(samples, dtype=np.float32), RATE_HZ
