"""The virtual microphone for the audio tests: one private PulseAudio daemon per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.pulse import VirtualMic, pulseaudio_missing_reason, virtual_mic


@pytest.fixture(scope="session")
def vmic_daemon() -> Iterator[VirtualMic]:
    reason = pulseaudio_missing_reason()
    if reason:
        pytest.skip(f"no virtual microphone: {reason}")
    with virtual_mic() as mic:
        yield mic


@pytest.fixture
def vmic(vmic_daemon: VirtualMic) -> Iterator[VirtualMic]:
    """The session's virtual microphone, silent again after each test."""
    yield vmic_daemon
    vmic_daemon.stop_players()
