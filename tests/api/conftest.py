"""Fixtures for the client tests: one real service per module, and clients of it."""

from __future__ import annotations

import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.support.server import LiveServer
from voxbooth.api import VoxBoothClient


@pytest.fixture(scope="package")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real service for the whole client package (each start costs seconds); every test
    makes its own projects, so none depends on another's leftovers."""
    server = LiveServer(data_dir=tmp_path_factory.mktemp("api-service") / "data").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="package")
def client(live_server: LiveServer) -> Iterator[VoxBoothClient]:
    with VoxBoothClient(live_server.url, api_key=live_server.api_key) as vb:
        yield vb


@pytest.fixture(scope="package")
def long_speech_path(speech_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 16 s of real speech (the ARCTIC take four times): several upload chunks, and
    long enough for a calibration or a voice sample (10 s minimum)."""
    audio, rate = sf.read(speech_path, dtype="int16")
    path = tmp_path_factory.mktemp("speech") / "long_take.wav"
    sf.write(path, np.concatenate([audio] * 4), rate, subtype="PCM_16")
    return path


def write_silent_wav(path: Path, total_bytes: int) -> Path:
    """A valid 16-bit mono WAV of about `total_bytes`, written in blocks (never all in RAM)."""
    block = b"\x00\x00" * 262144
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(48000)
        written = 44
        while written < total_bytes:
            out.writeframes(block)
            written += len(block)
    return path
