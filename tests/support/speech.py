"""Real and synthetic speech for the tests."""

from __future__ import annotations

from pathlib import Path


def arctic_speech_path() -> Path:
    """CMU ARCTIC utterance a0007 (male US English, 16 kHz), shipped inside pysptk's wheel."""
    import pysptk.util

    return Path(pysptk.util.example_audio_file())
