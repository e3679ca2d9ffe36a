"""The voice library against a real service: every catalogue voice listed with its portrait,
filters, search, sort, favourites and per-voice semitones saved through the settings endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.studio.helpers import running_window
from tests.support.server import LiveServer
from voxbooth.studio.assembly import Studio
from voxbooth.studio.entities import VoiceInfo
from voxbooth.studio.voices.model import VOICE_ROLE, VoiceFilterProxy, VoicesModel


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, live_server: LiveServer,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[Studio]:
    monkeypatch.setenv("VOXBOOTH_TAKES_DIR", str(tmp_path / "takes"))
    with running_window(qtbot, tmp_path, live_server, show=False) as w:
        qtbot.waitUntil(lambda: w.voices.rowCount() > 0, timeout=20000)
        yield w


def shown(proxy: VoiceFilterProxy) -> list[VoiceInfo]:
    return [proxy.index(r, 0).data(VOICE_ROLE) for r in range(proxy.rowCount())]


def test_catalogue_listed_with_portraits(window: Studio, qtbot: QtBot) -> None:
    model = window.voices
    assert model.rowCount() == 24
    qtbot.waitUntil(lambda: all(model.index(r, 0).data(Qt.ItemDataRole.DecorationRole)
                                is not None for r in range(model.rowCount())), timeout=20000)
    first = model.index(0, 0).data(Qt.ItemDataRole.DisplayRole)
    assert "Hz" in first  # name, gender, age group and pitch under it


def test_filters_search_and_sort(window: Studio) -> None:
    panel = window.voices_panel
    proxy = panel.proxy
    box = panel.filter_boxes["gender"]
    box.setCurrentIndex(box.findData("female"))
    assert shown(proxy) and all(v.gender == "female" for v in shown(proxy))
    species = panel.filter_boxes["species"]
    species.setCurrentIndex(species.findData("animal"))
    assert all(v.species == "animal" and v.gender == "female" for v in shown(proxy))
    box.setCurrentIndex(0)
    species.setCurrentIndex(0)
    panel.search.setText("gret")
    assert [v.name for v in shown(proxy)] == ["Greta"]
    panel.search.clear()
    panel.sort_box.setCurrentIndex(panel.sort_box.findData("pitch_hz"))
    pitches = [v.pitch_hz for v in shown(proxy)]
    assert len(pitches) == 24 and pitches == sorted(pitches)
    age = panel.filter_boxes["age_group"]
    age.setCurrentIndex(age.findData("senior"))
    assert shown(proxy) and {v.age_group for v in shown(proxy)} == {"senior"}


def test_favourite_and_semitones_saved_on_the_service(window: Studio, qtbot: QtBot,
                                                      live_server: LiveServer) -> None:
    flow = window
    panel = flow.voices_panel
    panel.select_voice_ids([flow.voices.voices()[0].id])
    voice = panel.current_voice()
    assert voice is not None and panel.detail.voice == voice
    panel.detail.favorite_button.click()
    qtbot.waitUntil(lambda: flow.voices.voice(voice.id).favorite, timeout=10000)
    assert panel.detail.favorite_button.text().startswith("★")
    panel.favourites.setChecked(True)
    assert [v.id for v in shown(panel.proxy)] == [voice.id]
    panel.favourites.setChecked(False)
    panel.detail.semitones.setValue(-3.5)
    panel.detail.save_semitones.click()
    accent_id = panel.detail.current_accent_id()

    def stored() -> None:
        with live_server.client() as http:
            listed = http.get("/api/v2/voices", params={"limit": 100}).json()["list"]
        on_service = next(v for v in listed if v["id"] == voice.id)
        assert on_service["favorite"] is True
        accent = next(a for a in on_service["accents"] if a["id"] == accent_id)
        assert accent["settings"]["semitones_correction"] == pytest.approx(-3.5)

    qtbot.waitUntil(stored, timeout=10000)
    # the shift shown on the desk follows the saved correction
    flow.target_band.set_speaker_f0(120.0)
    qtbot.waitUntil(lambda: "-3.5 st" in flow.desk_panel.live_view.target_label.text(),
                    timeout=10000)


def test_voices_model_passes_qtmodeltester(qtbot: QtBot) -> None:
    model = VoicesModel()
    tester = ModelTester(None)
    tester.check(model)
    model.set_voices([VoiceInfo(id=str(i), name=f"V{i}", pitch_hz=100.0 + i) for i in range(5)])
    model.upsert(VoiceInfo(id="9", name="New"))
    model.set_favorite("2", True)
    tester.check(model)
    proxy = VoiceFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_favourites_only(True)
    tester.check(proxy)
    assert proxy.rowCount() == 1
