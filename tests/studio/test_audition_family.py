"""Auditioning an original with all its finished conversions, against the real service: picking
any of them loads the family once; switching keeps the playhead and costs no download; the blind
ABX test works on any two of them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from tests.studio.helpers import running_window, wait_until
from tests.support.pulse import VirtualMic
from tests.support.server import LiveServer
from voxbooth.audio.playback import Player
from voxbooth.studio.actions import shortcut_rows
from voxbooth.studio.assembly import Studio
from voxbooth.studio.audition.family import MAX_TRACKS, family_of
from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.service.backend import StudioBackend


@dataclass(frozen=True)
class Family:
    project_id: str
    folder_id: str
    original_id: str
    conversion_ids: list[str]  # in the order they were ordered
    voices: list[str]
    lone_id: str  # another original of the folder, never converted


@pytest.fixture(scope="module")
def family(live_server: LiveServer, speech_path: Path) -> Family:
    """An original converted into two voices (both done), and a second original alone."""
    backend = StudioBackend.connect(live_server.url, live_server.api_key)
    try:
        project = backend.create_project("Audition")
        folder = backend.create_folder(project.id, "Lines", None)
        original = backend.upload(speech_path, folder.id, label="line one")
        lone = backend.upload(speech_path, folder.id, label="line two")
        ordered = backend.order(original.id, backend.first_voice_ids(2))
        done = [backend.client.recordings.wait_for_conversion(c.id, timeout_s=240, poll_s=0.5)
                for c in ordered]
        assert [c.state for c in done] == ["done", "done"], [c.error for c in done]
        return Family(project.id, folder.id, original.id, [c.id for c in ordered],
                      [str(c.model_name) for c in done], lone.id)
    finally:
        backend.close()


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, live_server: LiveServer,
           family: Family) -> Iterator[Studio]:
    with running_window(qtbot, tmp_path, live_server) as w:
        qtbot.waitUntil(lambda: w.projects.row_of(family.project_id) >= 0, timeout=10000)
        w.project_picker.setCurrentIndex(w.projects.row_of(family.project_id))
        qtbot.waitUntil(lambda: w.folders.index_of(family.folder_id).isValid(), timeout=10000)
        w.folder_view.setCurrentIndex(w.folders.index_of(family.folder_id))
        qtbot.waitUntil(lambda: len(w.takes.conversions_of(family.original_id)) == 2, timeout=10000)
        w.takes_view.expandAll()
        yield w


def pick(window: Studio, take_id: str) -> None:
    """What a click on the take's row in the list does, until its family is heard."""
    window.takes_view.setCurrentIndex(
        window.takes_proxy.mapFromSource(window.takes.index_of(take_id)))
    wait_until(lambda: window.audition.tracks is not None
               and take_id in window.audition.tracks.take_ids)


def play_blocks(player: Player, blocks: int) -> np.ndarray:
    """Runs the player's audio callback as the output device would (none is needed here)."""
    out = np.zeros((player.blocksize, player.channels), dtype=np.float32)
    heard = []
    for _ in range(blocks):
        player._callback(out, player.blocksize, None, None)
        heard.append(out[:, 0].copy())
    return np.concatenate(heard)


def count_downloads(window: Studio, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    backend = window.requests.backend
    assert backend is not None
    asked: list[str] = []
    download = backend.download_audio

    def counting(take_id: str, dest: Path, **kwargs: object) -> Path:
        asked.append(take_id)
        return download(take_id, dest, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(backend, "download_audio", counting)
    return asked


def lit_buttons(window: Studio) -> list[str]:
    return [b.text() for b in window.transport.track_strip.buttons if b.isVisible()]


def test_picking_an_original_loads_it_with_every_finished_conversion(window: Studio,
                                                                     family: Family) -> None:
    pick(window, family.original_id)
    tracks = window.audition.tracks
    assert tracks is not None
    assert tracks.take_ids == [family.original_id, *family.conversion_ids]
    assert lit_buttons(window) == ["1: Original", *(f"{n}: {v}" for n, v in
                                                    enumerate(family.voices, start=2))]
    assert window.transport.track_strip.heard() == 0
    assert window.transport.now_label.text() == "Listening to 1: Original"
    assert window.waveform.duration_s == pytest.approx(4.0, abs=0.05)
    # loudness matched: each take plays at the quietest one's loudness, none boosted
    heard_db = [a.loudness_db + 20 * np.log10(g) for a, g in zip(tracks.audio, tracks.gains,
                                                                 strict=True)]
    assert max(tracks.gains) == pytest.approx(1.0) and np.ptp(heard_db) < 0.01
    assert window.transport.pair.isVisible()
    assert window.transport.pair.a_box.currentText() == "1: Original"
    assert window.transport.pair.b_box.currentText() == f"2: {family.voices[0]}"


def test_switching_conversions_keeps_the_playhead_without_a_download(
        qtbot: QtBot, window: Studio, family: Family,
        monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = family.conversion_ids
    player = window.context.player
    pick(window, first)
    assert player.current == 1
    assert window.transport.now_label.text() == f"Listening to 2: {family.voices[0]}"
    asked = count_downloads(window, monkeypatch)
    player.seek(1.5)
    play_blocks(player, 8)
    before = player.position_s
    pick(window, second)
    tracks = window.audition.tracks
    assert tracks is not None and asked == []  # nothing fetched again, nothing analysed again
    assert player.current == 2
    assert abs(player.position_s - before) <= player.blocksize / player.rate_hz
    # the block after the crossfade is the second conversion at the very next frame
    frame = round(before * player.rate_hz)
    heard = play_blocks(player, 2)[player.blocksize:]
    expected = tracks.samples[2][frame + player.blocksize:frame + 2 * player.blocksize]
    np.testing.assert_allclose(heard, expected * tracks.gains[2], atol=1e-6)
    assert window.transport.now_label.text() == f"Listening to 3: {family.voices[1]}"
    assert window.transport.track_strip.heard() == 2
    # and its number key goes back to the first conversion, still at the same place
    before = player.position_s
    window.window.activateWindow()
    window.takes_view.setFocus()
    qtbot.keyClick(window.takes_view, Qt.Key.Key_2)
    assert player.current == 1
    assert abs(player.position_s - before) <= player.blocksize / player.rate_hz
    assert window.transport.now_label.text() == f"Listening to 2: {family.voices[0]}"
    assert window.transport.track_strip.heard() == 1


def test_coming_back_to_a_family_costs_no_download(window: Studio, family: Family,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pick(window, family.conversion_ids[1])
    asked = count_downloads(window, monkeypatch)
    pick(window, family.lone_id)
    assert asked == [family.lone_id]
    assert lit_buttons(window) == ["1: Original"]
    assert not window.transport.pair.isVisible()
    told: list[str] = []
    window.audition.message.connect(told.append)
    window.actions_by_key["audition_b"].trigger()
    assert told == ["Nothing to compare yet: this take has no finished conversion"]
    pick(window, family.conversion_ids[1])
    assert asked == [family.lone_id]
    assert window.context.player.current == 2 and len(lit_buttons(window)) == 3


def test_blind_abx_between_two_conversions_keeps_score(window: Studio,
                                                       family: Family) -> None:
    pick(window, family.original_id)
    player, transport = window.context.player, window.transport
    window.actions_by_key["abx_mode"].trigger()
    transport.pair.a_box.setCurrentIndex(1)  # the pair's B already: the two swap
    assert (window.audition.a, window.audition.b) == (1, 0)
    transport.pair.b_box.setCurrentIndex(2)
    assert (window.audition.a, window.audition.b) == (1, 2)
    assert transport.pair.b_box.currentText() == f"3: {family.voices[1]}"
    window.actions_by_key["audition_x"].trigger()
    assert player.current in (1, 2)
    assert transport.now_label.text() == "Listening to X"
    assert transport.track_strip.heard() == -1  # no button gives X away
    window.actions_by_key["abx_says_b" if player.current == 2 else "abx_says_a"].trigger()
    assert transport.score_label.text().startswith("ABX: 1/1 right")
    window.actions_by_key["audition_a"].trigger()
    assert player.current == 1
    assert transport.now_label.text() == f"Listening to A (2: {family.voices[0]})"
    transport.pair.a_box.setCurrentIndex(0)  # another pair: another test
    assert transport.score_label.text().startswith("ABX: listen to A, B and X")


def test_two_takes_of_the_family_selected_become_the_pair(window: Studio, family: Family,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    pick(window, family.conversion_ids[0])
    asked = count_downloads(window, monkeypatch)
    flags = (QItemSelectionModel.SelectionFlag.Select
             | QItemSelectionModel.SelectionFlag.Rows)
    second = window.takes_proxy.mapFromSource(window.takes.index_of(family.conversion_ids[1]))
    window.takes_view.selectionModel().select(second, flags)  # a ctrl-click on the second
    assert (window.audition.a, window.audition.b) == (1, 2) and asked == []
    assert window.transport.pair.a_box.currentText() == f"2: {family.voices[0]}"
    assert window.transport.pair.b_box.currentText() == f"3: {family.voices[1]}"


def test_a_conversion_finishing_joins_the_family_where_it_is(window: Studio,
                                                             family: Family) -> None:
    late = window.takes.take(family.conversion_ids[1])
    assert late is not None
    window.takes.upsert(replace(late, state="processing"))
    pick(window, family.conversion_ids[0])
    player = window.context.player
    assert lit_buttons(window) == ["1: Original", f"2: {family.voices[0]}"]
    player.seek(2.0)
    window.takes.upsert(late)
    window.watcher.finished.emit(late)  # what the watcher says when it sees it done
    wait_until(lambda: len(lit_buttons(window)) == 3)
    assert player.current == 1 and player.position_s == pytest.approx(2.0, abs=0.01)


def test_family_is_the_original_then_finished_conversions_oldest_first() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    original = TakeInfo(id="o", label="line")
    conversions = [TakeInfo(id=f"c{i}", label=f"v{i}", kind="conversion", original_id="o",
                            created_at=start + timedelta(minutes=i),
                            state="processing" if i == 3 else "done") for i in range(12)]
    by_id = {t.id: t for t in [original, *conversions]}
    newest_first = list(reversed(conversions))
    family = family_of(by_id["c2"], lambda _o: newest_first, by_id.get)
    assert [t.id for t in family] == ["o", "c0", "c1", "c2", "c4", "c5", "c6", "c7", "c8"]
    busy = family_of(by_id["c3"], lambda _o: newest_first, by_id.get)
    assert busy[0] is original and "c3" not in [t.id for t in busy]
    picked_late = family_of(by_id["c11"], lambda _o: newest_first, by_id.get)
    assert len(picked_late) == MAX_TRACKS and picked_late[-1].id == "c11"


def test_help_lists_the_number_keys_and_the_abx_keys() -> None:
    rows = {command: key for _group, command, key in shortcut_rows()}
    number_rows = [c for c in rows if c.startswith("Listen to take")]
    assert len(number_rows) == 1 and rows[number_rows[0]] == "1 … 9"
    assert rows["Listen to A"] == "A" and rows["Listen to B"] == "B"
    assert rows["ABX: X is A"] == "Shift+A" and rows["ABX: X is B"] == "Shift+B"


def test_the_waveform_and_pitch_shown_are_the_track_heard_over_the_originals(
        qtbot: QtBot, window: Studio, family: Family) -> None:
    pick(window, family.original_id)
    tracks = window.audition.tracks
    assert tracks is not None
    wave = window.waveform
    assert not wave.has_reference_f0()  # the original heard: nothing to compare it with
    window.window.activateWindow()
    window.takes_view.setFocus()
    qtbot.keyClick(window.takes_view, Qt.Key.Key_3)
    assert window.transport.now_label.text() == f"Listening to 3: {family.voices[1]}"
    # the data given to the curves (what they draw is that, downsampled to the view)
    np.testing.assert_array_equal(wave.f0.yData, tracks.audio[2].f0_hz)  # its pitch
    np.testing.assert_array_equal(wave.reference_f0.yData, tracks.audio[0].f0_hz)  # the original's
    np.testing.assert_array_equal(wave.wave.yData, tracks.audio[2].peak_values)
    window.actions_by_key["audition_a"].trigger()  # A is the original
    np.testing.assert_array_equal(wave.f0.yData, tracks.audio[0].f0_hz)
    assert not wave.has_reference_f0()


def test_another_take_starts_over_playhead_counter_loop_and_abx(
        window: Studio, family: Family) -> None:
    pick(window, family.conversion_ids[0])
    player, wave, transport = window.context.player, window.waveform, window.transport
    abx = window.actions_by_key["abx_mode"]
    abx.trigger()
    window.actions_by_key["audition_x"].trigger()
    window.actions_by_key["abx_says_a"].trigger()
    assert transport.score_label.text().startswith("ABX: ")
    window.actions_by_key["loop"].setChecked(True)
    wave.set_selection(1.0, 2.0)
    assert player._loop is not None
    player.seek(2.5)
    play_blocks(player, 4)
    wave.set_playhead(player.position_s)
    wave.playhead_moved.emit(2.5)  # a click puts the playhead: the counter follows at once
    assert transport.time_label.text().startswith("0:02.5")
    pick(window, family.lone_id)  # nothing to compare: no ABX
    assert player.position_s == 0.0 and wave.playhead_s() == 0.0
    assert transport.time_label.text().startswith("0:00.0")
    assert wave.selection_s() is None and player._loop is None
    assert not window.actions_by_key["loop"].isChecked()
    assert not abx.isChecked() and not abx.isEnabled()
    assert not transport.score_label.isVisible()
    pick(window, family.original_id)  # two to compare again: ABX can be turned on
    assert abx.isEnabled() and not abx.isChecked()
    assert player.position_s == 0.0


def test_a_conversion_finishing_while_playing_joins_and_plays_on(
        qtbot: QtBot, mic: VirtualMic, window: Studio, family: Family) -> None:
    late = window.takes.take(family.conversion_ids[1])
    assert late is not None
    window.takes.upsert(replace(late, state="processing"))
    pick(window, family.conversion_ids[0])
    player = window.context.player
    assert lit_buttons(window) == ["1: Original", f"2: {family.voices[0]}"]
    window.actions_by_key["play_stop"].trigger()  # heard through the virtual sound server
    try:
        qtbot.waitUntil(lambda: player.position_s > 0.2, timeout=5000)
        window.takes.upsert(late)
        window.watcher.finished.emit(late)
        qtbot.waitUntil(lambda: len(lit_buttons(window)) == 3, timeout=5000)  # no re-selecting
        assert player.playing and player.current == 1
        assert player.position_s > 0.2  # on from where it was, not from the start
    finally:
        player.stop()


def test_home_and_end_put_the_playhead_at_the_take_s_ends_from_the_list(
        qtbot: QtBot, window: Studio, family: Family) -> None:
    pick(window, family.original_id)
    player = window.context.player
    window.window.activateWindow()
    window.takes_view.setFocus()
    qtbot.keyClick(window.takes_view, Qt.Key.Key_End)  # the list does not take it for itself
    assert player.position_s == pytest.approx(player.duration_s, abs=0.01)
    assert window.waveform.playhead_s() == pytest.approx(player.duration_s, abs=0.01)
    assert window.takes_view.current_id() == family.original_id
    qtbot.keyClick(window.takes_view, Qt.Key.Key_Home)
    assert player.position_s == 0.0 and window.transport.time_label.text().startswith("0:00.0")


def test_trimming_the_selection_makes_a_new_take_and_keeps_the_original(
        qtbot: QtBot, window: Studio, family: Family) -> None:
    pick(window, family.lone_id)
    wave = window.waveform
    wave.set_selection(1.0, 2.5)  # a drag over it
    before = {t.id for t in window.takes.takes()}
    wave.edit_actions["trim"].trigger()  # from the right-click menu
    qtbot.waitUntil(lambda: any(t.label == "line two trimmed" for t in window.takes.takes()),
                    timeout=30000)
    made = next(t for t in window.takes.takes() if t.label == "line two trimmed")
    assert made.id not in before and made.folder_id == family.folder_id
    assert made.duration_s == pytest.approx(1.5, abs=0.02)
    original = window.takes.take(family.lone_id)
    assert original is not None and original.duration_s == pytest.approx(4.0, abs=0.05)
    backend = window.requests.backend
    assert backend is not None
    assert backend.get_take(family.lone_id).duration_s == pytest.approx(4.0, abs=0.05)
