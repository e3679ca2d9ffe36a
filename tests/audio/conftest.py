"""The virtual microphone for the audio tests: one private PulseAudio daemon per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.pulse import VirtualMic, virtual_mic_or_skip


@pytest.fixture(scope="session")
def vmic_daemon() -> Iterator[VirtualMic]:
    with virtual_mic_or_skip() as mic:
        yield mic


@pytest.fixture
def vmic(vmic_daemon: VirtualMic) -> Iterator[VirtualMic]:
    """The session's virtual microphone, silent again after each test."""
    yield vmic_daemon
    vmic_daemon.stop_players()
