"""Ordering from the studio against a real service: originals and voices selected, the cost
shown before submitting, both conversions followed to done in the takes list; TTS originals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.studio.helpers import open_new_folder, running_window
from tests.support.server import LiveServer
from voxbooth.studio.assembly import Studio
from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.orders.panel import OrderPanel


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, live_server: LiveServer,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[Studio]:
    monkeypatch.setenv("VOXBOOTH_TAKES_DIR", str(tmp_path / "takes"))
    with running_window(qtbot, tmp_path, live_server, show=False) as w:
        qtbot.waitUntil(lambda: w.voices.rowCount() > 0, timeout=20000)
        yield w


def open_folder_with(window: Studio, qtbot: QtBot, speech_path: Path | None) -> str:
    folder_id = open_new_folder(window, qtbot, "Orders", "Scene 1")
    if speech_path is not None:
        backend = window.requests.backend
        assert backend is not None
        backend.upload(speech_path, folder_id, label="line one")
        window.browser.reload_takes()
    return folder_id


def test_order_two_voices_with_cost_and_follow_them(window: Studio, qtbot: QtBot,
                                                    speech_path: Path) -> None:
    open_folder_with(window, qtbot, speech_path)
    qtbot.waitUntil(lambda: window.takes.rowCount() == 1, timeout=10000)
    flow = window
    panel = flow.order_panel
    assert not panel.submit.isEnabled()
    window.takes_view.setCurrentIndex(window.takes_proxy.index(0, 0))
    window.takes_view.selectAll()
    voices = flow.voices.voices()
    flow.voices_panel.select_voice_ids([voices[0].id, voices[1].id])
    assert [v.id for v in panel.voices] == [voices[0].id, voices[1].id]
    qtbot.waitUntil(lambda: panel.balance is not None, timeout=10000)
    balance = panel.balance
    qtbot.waitUntil(lambda: panel.cost_label.text().startswith("2 conversion(s) · 2 credit(s)"),
                    timeout=10000)  # priced by the service
    assert f"you have {balance:g}" in panel.cost_label.text()
    assert panel.submit.isEnabled()
    original = window.takes.takes()[0]
    panel.submit.click()
    qtbot.waitUntil(lambda: len(window.takes.conversions_of(original.id)) == 2, timeout=20000)
    qtbot.waitUntil(lambda: all(t.state in ("done", "error")
                                for t in window.takes.conversions_of(original.id)),
                    timeout=240000)
    conversions = window.takes.conversions_of(original.id)
    assert [t.state for t in conversions] == ["done", "done"], [t.error for t in conversions]
    assert {t.voice_name for t in conversions} == {voices[0].name, voices[1].name}
    qtbot.waitUntil(lambda: panel.balance == balance - 2, timeout=10000)


def test_tts_original_made_in_the_current_folder(window: Studio, qtbot: QtBot) -> None:
    folder_id = open_folder_with(window, qtbot, None)
    window.orders.make_tts("The quick brown fox jumps over the lazy dog.", None,
                                    "fox line")
    qtbot.waitUntil(lambda: window.takes.rowCount() == 1, timeout=60000)
    take = window.takes.takes()[0]
    assert take.label == "fox line" and take.folder_id == folder_id
    assert take.tts


def test_tts_original_is_ordered_with_a_narration_style(qtbot: QtBot) -> None:
    from voxbooth.studio.entities import StyleInfo, VoiceInfo

    panel = OrderPanel()
    qtbot.addWidget(panel)
    voice = VoiceInfo(id="v1", name="Greta",
                      narration_styles=(StyleInfo("calm", "Calm"),
                                        StyleInfo("news", "News", is_default=True)))
    panel.set_voices([voice])
    panel.set_takes([TakeInfo(id="o1", label="spoken", duration_s=30.0)])
    assert panel.conversions() == [{"voice_id": "v1"}]  # speech to speech: no style
    panel.set_takes([TakeInfo(id="o1", label="spoken", duration_s=30.0, tts=True)])
    assert panel.conversions() == [{"voice_id": "v1", "narration_style_id": "news"}]
    failed = TakeInfo(id="c1", label="x", kind="conversion", original_id="o1", state="error")
    panel.set_takes([failed])
    assert panel.retry.isEnabled() and panel.retry.text() == "Retry 1 failed"
    assert not panel.submit.isEnabled()
