"""Accent samples and cloned voices in the library, against a real service: an accent's sample
downloads and plays; "new voice from samples" uploads a reading and the private voice appears
by itself once the service has made it, or the artist is told why it could not be made."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.studio.helpers import running_window
from tests.support.server import LiveServer
from tests.support.speech import repeated_speech_wav
from voxbooth.studio.assembly import Studio
from voxbooth.studio.entities import VoiceInfo
from voxbooth.studio.service import voices as service
from voxbooth.studio.service.backend import StudioBackend
from voxbooth.studio.service.requests import Requests
from voxbooth.studio.service.workers import TaskRunner
from voxbooth.studio.voices.private_voices import PrivateVoiceWatch


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, live_server: LiveServer,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[Studio]:
    monkeypatch.setenv("VOXBOOTH_TAKES_DIR", str(tmp_path / "takes"))
    with running_window(qtbot, tmp_path, live_server, show=False) as w:
        qtbot.waitUntil(lambda: w.voices.rowCount() > 0, timeout=20000)
        yield w


def test_an_accent_sample_downloads_as_audio(window: Studio, qtbot: QtBot) -> None:
    flow = window
    flow.voices_panel.select_voice_ids([flow.voices.voices()[0].id])
    heard: list[str] = []
    # no speaker in this test
    flow.voices_controller.sample_ready.disconnect(flow.desk_commands.play_sample)
    flow.voices_controller.sample_ready.connect(heard.append)
    flow.voices_panel.detail.play_sample.click()
    qtbot.waitUntil(lambda: bool(heard), timeout=60000)
    info = sf.info(heard[0])
    assert info.duration > 0.5 and info.samplerate >= 16000


def _voice_named(window: Studio, name: str) -> VoiceInfo | None:
    return next((v for v in window.voices.voices() if v.name == name), None)


def _checking(dialog: object) -> bool:
    files = dialog.files  # type: ignore[attr-defined]
    return any("checking" in files.item(i).text() for i in range(files.count()))


def test_new_voice_from_samples_appears_by_itself(window: Studio, qtbot: QtBot,
                                                  speech_path: Path, tmp_path: Path) -> None:
    sample = repeated_speech_wav(speech_path, 3, tmp_path / "my reading.wav")
    flow = window
    dialog = flow.openers.open_new_voice()
    dialog.submit()
    assert "name" in dialog.note.text()  # nothing sent without a name and a sample
    dialog.name.setText("My narrator")
    dialog.add_paths([str(sample)])
    qtbot.waitUntil(lambda: not _checking(dialog), timeout=10000)  # its length is shown
    dialog.submit()
    qtbot.waitUntil(lambda: "“My narrator” is being made"
                    in window.window.statusBar().currentMessage(),
                    timeout=60000)
    assert _voice_named(window, "My narrator") is None  # not processed yet
    # the artist only waits: the studio follows the voice and reloads the library itself
    qtbot.waitUntil(lambda: _voice_named(window, "My narrator") is not None, timeout=180000)
    voice = _voice_named(window, "My narrator")
    assert voice is not None and voice.is_private
    assert window.window.statusBar().currentMessage() == \
        "Voice “My narrator” is ready: it is in the voice library"
    assert flow.clones.following == [] and not flow.clones.timer.isActive()  # polling stopped
    box = flow.voices_panel.filter_boxes["visibility"]
    box.setCurrentIndex(box.findData("private"))
    assert flow.voices_panel.proxy.rowCount() == 1


def test_a_voice_that_cannot_be_made_says_why(window: Studio, qtbot: QtBot,
                                              tmp_path: Path) -> None:
    silence = tmp_path / "room tone.wav"
    sf.write(silence, np.zeros(12 * 16000, dtype="float32"), 16000)  # 12 s, no speech at all
    flow = window
    dialog = flow.openers.open_new_voice()
    dialog.name.setText("Quiet one")
    dialog.add_paths([str(silence)])
    qtbot.waitUntil(lambda: not _checking(dialog), timeout=10000)  # its length is shown
    dialog.submit()
    qtbot.waitUntil(lambda: "could not be made" in window.window.statusBar().currentMessage(),
                    timeout=180000)
    told = window.window.statusBar().currentMessage()
    assert told.startswith("Voice “Quiet one” could not be made from its samples: ")
    assert "no voiced speech" in told  # the service's own reason
    assert window.window.findChildren(QMessageBox) == []  # told without a modal box
    assert flow.clones.following == []
    assert _voice_named(window, "Quiet one") is None


def test_a_voice_is_followed_from_workers(qtbot: QtBot, tmp_path: Path, live_server: LiveServer,
                                          speech_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Real worker threads: each question about the voice is asked off the GUI thread."""
    backend = StudioBackend.connect(live_server.url, live_server.api_key)
    requests = Requests(TaskRunner(QThreadPool()))
    requests.set_backend(backend)
    watch = PrivateVoiceWatch(requests, interval_ms=200)
    asked_on: list[int] = []
    ask = service.private_voice_state

    def state(*args: object) -> service.PrivateVoiceState:
        asked_on.append(threading.get_ident())
        return ask(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "private_voice_state", state)
    voice_id = service.create_private_voice(
        backend, "Asked in workers", [repeated_speech_wav(speech_path, 3, tmp_path / "a.wav")])
    ready: list[str] = []
    watch.ready.connect(ready.append)
    watch.follow(voice_id, "Asked in workers")
    qtbot.waitUntil(lambda: ready == [voice_id], timeout=180000)
    assert asked_on and threading.get_ident() not in asked_on
    assert not watch.timer.isActive()
