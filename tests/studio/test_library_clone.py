"""Accent samples and cloned voices in the library, against a real service: an accent's sample
downloads and plays; "new voice from samples" uploads a reading and the private voice appears."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import soundfile as sf
from pytestqt.qtbot import QtBot

from tests.studio.helpers import inline_window
from tests.support.server import LiveServer
from tests.support.speech import repeated_speech_wav
from voxbooth.studio.library.new_voice import NewVoiceDialog
from voxbooth.studio.window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, live_server: LiveServer,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.setenv("VOXBOOTH_TAKES_DIR", str(tmp_path / "takes"))
    w = inline_window(tmp_path, live_server.url, live_server.api_key)
    qtbot.addWidget(w)
    w.context.connection.start()
    qtbot.waitUntil(lambda: w.workflow.voices.rowCount() > 0, timeout=20000)
    yield w
    w.close()
    w.context.connection.stop()  # its health checks would poll a stopped service


def test_an_accent_sample_downloads_as_audio(window: MainWindow, qtbot: QtBot) -> None:
    flow = window.workflow
    flow.library_panel.select_voice_ids([flow.voices.voices()[0].id])
    heard: list[str] = []
    flow.library.sample_ready.disconnect(flow.play_sample)  # no speaker in this test
    flow.library.sample_ready.connect(heard.append)
    flow.library_panel.detail.play_sample.click()
    qtbot.waitUntil(lambda: bool(heard), timeout=60000)
    info = sf.info(heard[0])
    assert info.duration > 0.5 and info.samplerate >= 16000


def test_new_voice_from_samples_appears_as_private(window: MainWindow, qtbot: QtBot,
                                                   speech_path: Path, tmp_path: Path) -> None:
    sample = repeated_speech_wav(speech_path, 3, tmp_path / "my reading.wav")
    dialog = NewVoiceDialog(window.requests, window)
    qtbot.addWidget(dialog)
    dialog.submit()
    assert "name" in dialog.note.text()  # nothing sent without a name and a sample
    dialog.name.setText("My narrator")
    dialog.add_paths([str(sample)])
    dialog.submit()
    qtbot.waitUntil(lambda: bool(dialog.created_id), timeout=60000)
    flow = window.workflow

    def listed() -> bool:
        flow.library.reload()
        return flow.voices.voice(dialog.created_id) is not None

    qtbot.waitUntil(listed, timeout=180000)
    voice = flow.voices.voice(dialog.created_id)
    assert voice is not None and voice.is_private and voice.name == "My narrator"
    box = flow.library_panel.filter_boxes["visibility"]
    box.setCurrentIndex(box.findData("private"))
    assert flow.library_panel.proxy.rowCount() == 1
