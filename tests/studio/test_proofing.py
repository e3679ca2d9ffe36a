"""What the service hears, in the real window against a real service, on real speech (CMU ARCTIC
a0007): a script take with a word cut out shows that word missed on its line and on its
waveform seconds after it uploads; the takes filter finds takes by what was said in them; a
noisy take wears a badge, is cleaned into a new take and can be ordered cleaned; the TTS dialog
starts on the service's natural voice.

One service for the module; the transcripts are waited for with the client's own waits."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot
from scipy.signal import resample_poly

from tests.engine.test_neural_denoise import mixed
from tests.studio.helpers import open_new_folder, running_window
from tests.support.pulse import VirtualMic
from tests.support.server import LiveServer
from voxbooth.studio.assembly import Studio
from voxbooth.studio.desk.script_proof import MISSED_COLOUR
from voxbooth.studio.models.roles import ID_ROLE
from voxbooth.studio.models.takes import COL_STATE
from voxbooth.studio.orders.tts_dialog import TtsDialog
from voxbooth.studio.service.backend import StudioBackend

pytestmark = pytest.mark.transcribing  # this module's service transcribes each take

ARCTIC_TEXT = "And you always want to see it in the superlative degree."
CUT_S = (0.85, 1.20)  # "always" in a0007 (tests/server/test_transcripts.py)
PAD_S = 0.25  # silence played before the speech


@pytest.fixture(autouse=True)
def _takes_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOXBOOTH_TAKES_DIR", str(tmp_path / "takes"))


def _backend(w: Studio) -> StudioBackend:
    backend = w.requests.backend
    assert backend is not None
    return backend


def _plain(rich: str) -> str:
    document = QTextDocument()
    document.setHtml(rich)
    return document.toPlainText()


def _listed(w: Studio) -> list[str]:
    script = w.desk_panel.script_panel
    return [script.takes.index(row, 0).data() for row in range(script.takes.rowCount())]


def _pick(w: Studio, take_id: str) -> None:
    w.takes_view.setCurrentIndex(w.takes_proxy.mapFromSource(w.takes.index_of(take_id)))


def _shown_ids(w: Studio) -> set[str]:
    proxy = w.takes_proxy
    return {proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())}


def test_a_word_cut_from_a_script_take_is_marked_on_its_line_and_its_waveform(
        qtbot: QtBot, tmp_path: Path, live_server: LiveServer, mic: VirtualMic,
        speech_path: Path) -> None:
    samples, rate_hz = sf.read(speech_path, dtype="float32")
    cut = np.concatenate([np.zeros(int(PAD_S * rate_hz), dtype=np.float32),
                          samples[: int(CUT_S[0] * rate_hz)], samples[int(CUT_S[1] * rate_hz):]])
    with running_window(qtbot, tmp_path, live_server) as w:
        qtbot.waitUntil(lambda: w.desk.capture is not None, timeout=10000)
        open_new_folder(w, qtbot, "Proofing", "Chapter 1")
        script = w.desk_panel.script_panel
        script.set_text(f"{ARCTIC_TEXT}\nThey act as a prism.")
        w.desk_panel.record_action.trigger()  # R
        assert w.desk.recording or w.desk.starting
        player = mic.play(cut, rate_hz)
        player.wait(timeout=20)
        qtbot.wait(400)
        w.desk.stop()  # Space
        qtbot.waitUntil(lambda: w.takes.rowCount() == 1, timeout=20000)
        mic.stop_players()
        take = w.takes.takes()[0]
        # right after the upload, the take says it is being transcribed
        qtbot.waitUntil(lambda: _listed(w)[0].endswith("transcribing…"), timeout=5000)
        assert script.proof_label.text() == "L01 take 1: Transcribing…"
        client = _backend(w).client
        assert client.recordings.get(take.id).text == ARCTIC_TEXT  # the line went with it
        client.recordings.wait_for_transcript(take.id, timeout_s=120)
        qtbot.waitUntil(lambda: "missed" in _listed(w)[0], timeout=5000)

        found = re.search(r"missed: 'always', ([0-9.]+) s$", _listed(w)[0])
        assert found, _listed(w)
        at_s = float(found.group(1))
        # where the word was cut, past the silence and the microphone's latency
        assert PAD_S + CUT_S[0] - 0.3 <= at_s <= PAD_S + CUT_S[0] + 0.8
        line = script.line_label.text()
        assert _plain(line) == ARCTIC_TEXT  # the line as written, its missed word marked
        assert re.findall(rf'<span style="color:{MISSED_COLOUR};[^>]*>([^<]*)</span>', line) \
            == ["always"]
        assert script.proof_label.text() == \
            f"L01 take 1: 1 word(s) to check: missed: 'always', {at_s:.1f} s"

        _pick(w, take.id)  # the take in the list: its waveform, with the mark
        qtbot.waitUntil(lambda: bool(w.waveform.proof_marks.marks), timeout=10000)
        (mark,) = w.waveform.proof_marks.marks
        assert (mark.kind, mark.word) == ("missed", "✗ always")
        assert mark.tooltip == f"missed: 'always', {at_s:.1f} s"
        assert abs(mark.at_s - at_s) <= 0.3 and mark.at_s < w.waveform.duration_s
        assert w.waveform.proof_label.text() == f"1 word(s) to check: {mark.tooltip}"


def _wav(path: Path, samples: np.ndarray, rate_hz: int) -> Path:
    sf.write(path, samples, rate_hz, subtype="PCM_16")
    return path


def test_takes_are_found_by_what_was_said_and_a_noisy_one_is_cleaned_and_ordered_clean(
        qtbot: QtBot, tmp_path: Path, live_server: LiveServer, speech_path: Path) -> None:
    speech, rate_hz = sf.read(speech_path, dtype="float32")
    speech_48k = resample_poly(speech, 3, 1).astype(np.float32)
    tone = 0.3 * np.sin(2 * np.pi * 220.0 * np.arange(3 * rate_hz) / rate_hz)
    # ARCTIC's own pauses sit 27 dB under its speech, which the service finds worth cleaning:
    # the quiet room's take has them 30 dB lower (the voice runs from 0.42 s to 3.52 s)
    quiet = speech * np.where((np.arange(len(speech)) / rate_hz > 0.40)
                              & (np.arange(len(speech)) / rate_hz < 3.55), 1.0, 0.03)
    files = [_wav(tmp_path / "noisy take.wav", mixed(speech_48k, 12.0), 48_000),
             _wav(tmp_path / "untitled 7.wav", quiet.astype(np.float32), rate_hz),
             _wav(tmp_path / "tone.wav", tone.astype(np.float32), rate_hz)]
    with running_window(qtbot, tmp_path, live_server) as w:
        folder_id = open_new_folder(w, qtbot, "Search", "Takes")
        w.outbox.add([str(f) for f in files], folder_id)  # dropped onto the list
        qtbot.waitUntil(lambda: w.takes.rowCount() == 3, timeout=30000)
        ids = {t.label: t.id for t in w.takes.takes()}
        client = _backend(w).client
        for take_id in ids.values():
            client.recordings.wait_for_transcript(take_id, timeout_s=120)
        qtbot.waitUntil(lambda: not w.listening.proofs.following, timeout=5000)

        # noise: the badge, with how noisy, on the noisy take only
        def state(label: str) -> str:
            return str(w.takes.index_of(ids[label], COL_STATE).data())

        assert state("noisy take") == "done · noisy"
        assert state("untitled 7") == "done" and state("tone") == "done"
        tip = w.takes.index_of(ids["noisy take"], COL_STATE).data(Qt.ItemDataRole.ToolTipRole)
        assert re.match(r"Background noise: speech -?\d+ dB above the noise floor", tip), tip

        # the filter: no label holds these words, the service hears them in two takes
        asked = w.listening.search.asked
        w.window.activateWindow()  # the artist clicks into the filter and types
        qtbot.waitUntil(w.window.isActiveWindow, timeout=5000)
        w.filter_edit.setFocus()
        qtbot.waitUntil(w.filter_edit.hasFocus, timeout=5000)
        qtbot.keyClicks(w.filter_edit, "want to see")
        qtbot.waitUntil(lambda: _shown_ids(w) == {ids["noisy take"], ids["untitled 7"]},
                        timeout=5000)
        assert w.listening.search.asked == asked + 1  # once typing paused, not per key
        w.filter_edit.clear()
        qtbot.keyClicks(w.filter_edit, "marmalade")
        qtbot.waitUntil(lambda: w.listening.search.asked == asked + 2, timeout=5000)
        assert _shown_ids(w) == set()
        w.filter_edit.clear()
        qtbot.waitUntil(lambda: len(_shown_ids(w)) == 3, timeout=5000)

        # Clean noise: a new take beside it, the noisy one kept
        _pick(w, ids["noisy take"])
        w.actions_by_key["clean_take"].trigger()
        qtbot.waitUntil(lambda: any(t.label == "noisy take (cleaned)" and t.state == "done"
                                    for t in w.takes.takes()), timeout=60000)
        cleaned = next(t for t in w.takes.takes() if t.label == "noisy take (cleaned)")
        assert cleaned.cleaned_from == ids["noisy take"]
        assert w.takes.take(ids["noisy take"]) is not None

        # an order that asks for the noise cleaned first
        _pick(w, ids["noisy take"])
        panel = w.order_panel
        assert panel.clean_first.text() == "Clean noise first (1 noisy take)"
        voice = w.voices.voices()[0]
        panel.set_voices([voice])
        qtbot.waitUntil(panel.submit.isEnabled, timeout=5000)
        panel.clean_first.setChecked(True)
        with qtbot.waitSignal(w.orders.ordered, timeout=10000) as ordered:
            panel.submit.click()
        (conversion,) = ordered.args[0]
        params = client.recordings.get(conversion.id).params or {}
        assert params.get("noise_reduction") is True
        client.recordings.delete(conversion.id)  # its conversion is not what is tested here


def test_the_tts_dialog_starts_on_the_natural_voice_and_speaks_with_the_one_picked(
        qtbot: QtBot, tmp_path: Path, live_server: LiveServer) -> None:
    with running_window(qtbot, tmp_path, live_server) as w:
        open_new_folder(w, qtbot, "Spoken", "Narration")
        client = _backend(w).client
        served = client.tts.voices()
        natural = served[0]
        assert natural.is_default and natural.language == "en"

        dialog: TtsDialog = w.openers.open_tts()
        qtbot.waitUntil(lambda: dialog.language.count() > 2, timeout=5000)
        dialog.language.setCurrentIndex(dialog.language.findData("en"))
        assert dialog.voice.currentText() == f"{natural.name} (default)"
        dialog.text.setPlainText("The natural voice reads this line.")
        with qtbot.waitSignal(w.takes.rowsInserted, timeout=10000):
            dialog.accept()
        made = next(t for t in w.takes.takes() if t.tts)
        assert client.recordings.get(made.id).tts_voice_id == natural.id

        other = next(v for v in served if v.language == "en" and v.id != natural.id)
        dialog = w.openers.open_tts()
        qtbot.waitUntil(lambda: dialog.language.count() > 2, timeout=5000)
        dialog.language.setCurrentIndex(dialog.language.findData("en"))
        qtbot.waitUntil(lambda: dialog.voice.findData(other.id) >= 0, timeout=5000)
        dialog.voice.setCurrentIndex(dialog.voice.findData(other.id))
        dialog.text.setPlainText("Another voice reads this one.")
        dialog.label.setText("espeak line")
        with qtbot.waitSignal(w.takes.rowsInserted, timeout=10000):
            dialog.accept()
        spoken = next(t for t in w.takes.takes() if t.label == "espeak line")
        assert client.recordings.get(spoken.id).tts_voice_id == other.id
