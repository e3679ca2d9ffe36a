"""Proofing, search and noise parts without a service: the line's words marked as the artist reads
them, the waveform's marks where the words are (a drag over them still selects), the filter
keeping the takes the service found by what was said, the noise badge, and the TTS dialog's
default voice per language."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from voxbooth.studio.analysis import analyse_take
from voxbooth.studio.desk.script_proof import (
    ADDED_COLOUR,
    CHANGED_COLOUR,
    MISSED_COLOUR,
    brief,
    marked_line,
    proof_from_dict,
    proof_to_dict,
)
from voxbooth.studio.entities import Proof, ProofIssue, TakeInfo, TtsVoiceInfo
from voxbooth.studio.models.filters import TakesFilterProxy
from voxbooth.studio.models.takes import COL_STATE, TakesModel
from voxbooth.studio.orders.tts_dialog import SERVICE_CHOICE, TtsDialog
from voxbooth.studio.widgets.waveform import WaveformView

LINE = "And you always want to see it, in the superlative degree."
WORDS = ("And", "you", "always", "want", "to", "see", "it", "in", "the", "superlative", "degree")


def _issue(kind: str, index: int, at_s: float, expected: str | None = None,
           heard: str | None = None) -> ProofIssue:
    text = {"missed": f"missed: {expected!r}, {at_s:.1f} s", "added": f"added: {heard!r}, "
            f"{at_s:.1f} s"}.get(kind, f"{expected!r} read as {heard!r}, {at_s:.1f} s")
    return ProofIssue(kind, expected, heard, at_s, at_s + (0.0 if kind == "missed" else 0.3),
                      text, index)


def _proof(*issues: ProofIssue, state: str = "done") -> Proof:
    return Proof("t1", state, LINE, WORDS, "and you want to see it", tuple(issues))


def _plain(rich: str) -> str:
    document = QTextDocument()
    document.setHtml(rich)
    return document.toPlainText()


def _marked(rich: str, colour: str) -> list[str]:
    """The words drawn in `colour` (what the artist sees marked)."""
    return re.findall(rf'<span style="color:{colour};[^>]*>([^<]*)</span>', rich)


def test_the_line_reads_as_written_with_its_missed_changed_and_added_words_marked(
        qtbot: QtBot) -> None:
    proof = _proof(_issue("missed", 2, 0.9, expected="always"),
                   _issue("changed", 9, 2.4, expected="superlative", heard="superlatives"),
                   _issue("added", 4, 1.3, heard="um"),  # heard between "want" and "to"
                   _issue("added", 11, 3.5, heard="yes"))  # after the last word
    rich = marked_line(LINE, proof)
    assert rich is not None
    assert _plain(rich) == LINE  # the artist reads the line itself, nothing inserted
    assert _marked(rich, MISSED_COLOUR) == ["always"]
    assert "line-through" in rich.split("always")[0].rsplit("<span", 1)[1]
    assert _marked(rich, CHANGED_COLOUR) == ["superlative"]
    assert _marked(rich, ADDED_COLOUR) == [" ", "degree"]  # the gap, and the word it follows
    # nothing to mark: no issue, not final, another line, or a service that gives no places
    assert marked_line(LINE, _proof()) is None
    assert marked_line(LINE, _proof(_issue("missed", 2, 0.9, "always"), state="queued")) is None
    assert marked_line("Another line.", proof) is None
    assert marked_line(LINE, _proof(ProofIssue("missed", "you", None, 0.4, 0.4, "m"))) is None
    assert "&lt;" in (marked_line("A <b> tag.", Proof("t", "done", "A <b> tag.", ("A", "b", "tag"),
                      issues=(_issue("missed", 1, 0.5, "b"),))) or "")


@pytest.mark.parametrize("seed", range(12))
def test_any_issue_marks_only_its_own_word_and_keeps_the_line(seed: int, qtbot: QtBot) -> None:
    rng = random.Random(seed)
    index = rng.randrange(len(WORDS))
    kind = rng.choice(["missed", "changed"])
    rich = marked_line(LINE, _proof(_issue(kind, index, 1.0, WORDS[index], "zebra")))
    assert rich is not None and _plain(rich) == LINE
    colour = MISSED_COLOUR if kind == "missed" else CHANGED_COLOUR
    assert _marked(rich, colour) == [WORDS[index]]


def test_the_takes_list_says_how_the_take_read_and_keeps_it_over_a_restart() -> None:
    proof = _proof(_issue("missed", 2, 0.9, expected="always"))
    assert brief(proof) == "missed: 'always', 0.9 s"
    assert proof_from_dict(proof_to_dict(proof)) == proof
    assert proof_from_dict({}) is None and proof_from_dict({"take_id": 3}) is None
    assert brief(_proof(state="processing")) == "transcribing…"
    assert brief(_proof()) == "read as written"
    assert brief(Proof("t", "unavailable", error="install faster-whisper")) == "no transcript"
    assert Proof("t", "unavailable", error="install faster-whisper").summary == \
        "No transcript: install faster-whisper"
    assert Proof("t", "done", text=" and you want ").summary == "Heard: “and you want”"


@pytest.fixture
def wave(qtbot: QtBot, speech_path: Path) -> WaveformView:
    view = WaveformView()
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.show()
    qtbot.waitExposed(view)
    view.show_audio(analyse_take(speech_path))  # real speech, 3.5 s
    QApplication.processEvents()
    return view


def _items_at(wave: WaveformView, seconds: float) -> list[object]:
    """The proofing marks drawn at `seconds` on the plot."""
    return [i for i in wave.proof_marks._items
            if abs(float(getattr(i, "value", lambda: -1.0)()) - seconds) < 1e-6]


def test_the_waveform_marks_each_word_where_it_is_and_a_drag_over_them_still_selects(
        qtbot: QtBot, wave: WaveformView) -> None:
    proof = _proof(_issue("missed", 2, 0.85, expected="always"),
                   _issue("changed", 9, 2.4, expected="superlative", heard="superlatives"))
    wave.show_proof(proof)
    marks = wave.proof_marks.marks
    assert [(m.kind, m.word, m.tooltip) for m in marks] == [
        ("missed", "✗ always", "missed: 'always', 0.8 s"),
        ("changed", "superlative → superlatives", "'superlative' read as 'superlatives', 2.4 s")]
    assert [m.at_s for m in marks] == pytest.approx([0.85, 2.4])
    line = _items_at(wave, 0.85)[0]
    assert line.label.toPlainText() == "✗ always"  # type: ignore[attr-defined]
    assert line.toolTip() == "missed: 'always', 0.8 s"  # type: ignore[attr-defined]
    assert wave.proof_label.isVisible()
    assert wave.proof_label.text() == ("2 word(s) to check: missed: 'always', 0.8 s; "
                                       "'superlative' read as 'superlatives', 2.4 s")
    # the marks are on screen, over the take, and take no mouse: a drag across selects
    x = wave.plot.mapFromScene(wave.view.mapViewToScene(QPointF(0.85, 0.0)))
    assert 0 < x.x() < wave.plot.width()
    port = wave.plot.viewport()
    start, end = x - QPoint(60, 0), x + QPoint(60, 0)
    with qtbot.waitSignal(wave.selection_changed) as seen:
        qtbot.mousePress(port, Qt.MouseButton.LeftButton, pos=start)
        for step in range(1, 9):
            qtbot.wait(15)
            qtbot.mouseMove(port, start + (end - start) * (step / 8))
        qtbot.wait(15)
        qtbot.mouseRelease(port, Qt.MouseButton.LeftButton, pos=end)
    assert seen.args[0] < 0.85 < seen.args[1]

    wave.show_proof(Proof("t1", "processing"))  # the next take, still being transcribed
    assert wave.proof_marks.marks == [] and _items_at(wave, 0.85) == []
    assert wave.proof_label.text() == "Transcribing…"
    wave.show_proof(Proof("t1", "unavailable", error="transcripts need faster-whisper"))
    assert wave.proof_label.text() == "No transcript: transcripts need faster-whisper"
    wave.show_proof(None)  # a conversion: nothing of its own to proof
    assert not wave.proof_label.isVisible()


def _visible(proxy: TakesFilterProxy) -> set[str]:
    return {proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) for r in range(proxy.rowCount())}


def test_the_filter_keeps_the_takes_the_service_found_by_what_was_said(qtbot: QtBot) -> None:
    model = TakesModel()
    model.set_takes([TakeInfo("a1", "untitled 7"), TakeInfo("b2", "superlative take"),
                     TakeInfo("c3", "L03 take 1", note="breathy")])
    proxy = TakesFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_text("superlative")
    assert _visible(proxy) == {"b2"}  # by label, at once
    proxy.set_found("superlative", frozenset({"a1", "b2"}))
    assert _visible(proxy) == {"a1", "b2"}  # a1 said it
    proxy.set_found("breathy", frozenset({"c3"}))  # a late answer to other words: dropped
    assert _visible(proxy) == {"a1", "b2"}
    proxy.set_found("superlative", frozenset({"a1"}))  # transcribed again: the same pattern
    assert _visible(proxy) == {"a1", "b2"}  # b2 still by its label
    proxy.set_found("superlative", frozenset({"a1", "c3"}))
    assert _visible(proxy) == {"a1", "b2", "c3"}
    proxy.set_text("a1")  # an id is no word of the take: not matched
    assert _visible(proxy) == set()
    proxy.set_found("a1", frozenset())
    proxy.set_text("")
    assert _visible(proxy) == {"a1", "b2", "c3"}


def test_a_noisy_take_wears_a_badge_and_its_cleaned_take_does_not() -> None:
    noisy = TakeInfo.from_api({"id": "n1", "label": "noisy", "type": "original", "state": "done",
                               "params": {"suggest_noise_reduction": True, "snr_db": 9.4,
                                          "noise_floor_db": -38.2}})
    cleaned = TakeInfo.from_api({"id": "n2", "label": "noisy (cleaned)", "type": "original",
                                 "state": "done", "params": {"suggest_noise_reduction": True,
                                                             "cleaned_from": "n1"}})
    quiet = TakeInfo.from_api({"id": "q1", "label": "quiet", "state": "done",
                               "params": {"suggest_noise_reduction": False, "snr_db": 40.0}})
    model = TakesModel()
    model.set_takes([noisy, cleaned, quiet])
    state = {t: model.index_of(t, COL_STATE) for t in ("n1", "n2", "q1")}
    assert state["n1"].data() == "done · noisy"
    assert state["n1"].data(Qt.ItemDataRole.ToolTipRole).startswith(
        "Background noise: speech 9 dB above the noise floor (-38 dBFS). Take ▸ Clean noise")
    assert state["n2"].data() == "done" and state["q1"].data() == "done"


VOICES = [TtsVoiceInfo("nat", "hibari natural", "en", True),
          TtsVoiceInfo("em", "espeak en male", "en"), TtsVoiceInfo("ef", "espeak en female", "en"),
          TtsVoiceInfo("sm", "espeak es male", "es"), TtsVoiceInfo("sf", "espeak es female", "es")]


def test_the_tts_dialog_picks_the_services_default_voice_for_each_language(
        qtbot: QtBot) -> None:
    dialog = TtsDialog()
    qtbot.addWidget(dialog)
    assert dialog.voice.currentText() == SERVICE_CHOICE and not dialog.voice.isEnabled()
    dialog.set_voices(VOICES)
    assert [dialog.language.itemText(i) for i in range(dialog.language.count())] == [
        "Detect the language", "English", "Spanish"]
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    assert dialog.voice.currentText() == "hibari natural (default)"
    assert dialog.voice.isEnabled() and dialog.voice.count() == 3
    dialog.text.setPlainText("Hello there.")
    assert dialog.values() == ("Hello there.", "en", None, None)  # the service's own choice
    dialog.voice.setCurrentIndex(dialog.voice.findData("ef"))
    assert dialog.values()[3] == "ef"
    dialog.language.setCurrentIndex(dialog.language.findData("es"))
    assert dialog.voice.currentText() == "espeak es male (default)"  # the first it lists
    dialog.set_voices(VOICES[:3])  # asked again: the language kept only if still spoken
    assert dialog.language_code() == "" and dialog.voice.currentText() == SERVICE_CHOICE
