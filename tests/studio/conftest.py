"""Studio tests run offscreen; keyring uses a file backend in a temp dir (no desktop keyring)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pulse import VirtualMic, virtual_mic_or_skip


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """QSettings and the keyring write into the test's temp dir, never the user's."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))
    ring = PlaintextKeyring()
    ring.file_path = str(tmp_path / "keyring.cfg")  # type: ignore[misc]
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    monkeypatch.setenv("VOXBOOTH_STUDIO_SETTINGS_DIR", str(tmp_path / "qs"))
    yield
    keyring.set_keyring(previous)


@pytest.fixture(scope="module")
def mic() -> Iterator[VirtualMic]:
    """The virtual microphone (a private PulseAudio daemon), one per test module."""
    with virtual_mic_or_skip() as vmic:
        yield vmic

