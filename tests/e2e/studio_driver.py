"""Drives the real studio, with its embedded service, on an X display, as a user would.

Run by `test_studio_e2e.py` in a child process (Qt's platform is chosen once per process):
    python -m tests.e2e.studio_driver OUT_DIR AUDIO_FILE
Each step saves a screenshot of the whole screen in OUT_DIR; what was seen goes to
OUT_DIR/result.json for the test to check.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer

from tests.e2e.driving import (
    EventLoopDriver,
    answer_next_input,
    drop_files,
    run_scenario,
    screenshot,
)
from tests.support.qt_layout import layout_problems
from voxbooth.studio.app import build_studio, make_application, shutdown
from voxbooth.studio.assembly import Studio
from voxbooth.studio.entities import TakeInfo


class Driver(EventLoopDriver):
    def __init__(self, out: Path, audio: Path) -> None:
        self.out = out
        self.audio = audio
        self.result: dict[str, Any] = {"steps": [], "screenshots": []}
        self.app = make_application()
        self.window: Studio = build_studio(self.app, data_dir=out / "service-data")

    # -- helpers ------------------------------------------------------------------------------
    def shot(self, name: str) -> None:
        self.spin(0.4)  # let the window paint what just changed
        path = self.out / f"{len(self.result['screenshots']) + 1:02d}-{name}.png"
        screenshot(path, self.window.window)
        self.result["screenshots"].append(str(path))

    def step(self, name: str) -> None:
        self.result["steps"].append(name)
        print(f"e2e step: {name}", flush=True)

    def drop(self, paths: list[Path]) -> bool:
        return drop_files(self.window.takes_view.viewport(), paths)

    # -- the scenario -------------------------------------------------------------------------
    def run(self) -> None:
        w = self.window
        w.window.show()
        QTimer.singleShot(0, w.context.connection.start)
        self.wait_until("the window is exposed", lambda: w.window.isVisible())
        self.shot("starting")
        self.wait_until("the embedded service", lambda: w.requests.backend is not None, 90)
        embedded = w.context.connection.embedded
        self.result["embedded_pid"] = embedded.proc.pid if embedded and embedded.proc else None
        self.step("service ready")
        answer_next_input("Audiobook")
        w.actions_by_key["new_project"].trigger()
        self.wait_until("the new project", lambda: w.project_picker.currentText() == "Audiobook")
        answer_next_input("Chapter 1")
        w.actions_by_key["new_folder"].trigger()
        self.wait_until("the new folder", lambda: w.browser.folder_id != "")
        self.result["folder_name"] = w.folder_view.currentIndex().data()
        self.step("project and folder created")
        self.shot("project-and-folder")
        self._drop_and_play()
        self._audition()
        self.result["banner_visible"] = w.banner.isVisible()

    def _drop_and_play(self) -> None:
        w = self.window
        second = self.out / "second reading.wav"
        second.write_bytes(self.audio.read_bytes())
        self.result["drop_accepted"] = self.drop([self.audio, second])
        self.wait_until("two takes listed", lambda: w.takes.rowCount() == 2, 60)
        self.result["takes"] = [[w.takes_proxy.index(r, c).data() for c in range(4)]
                                for r in range(w.takes_proxy.rowCount())]
        w.takes_view.setCurrentIndex(w.takes_proxy.index(0, 0))
        self.wait_until("the waveform", w.waveform.has_waveform, 60)
        self.result["waveform_duration_s"] = w.waveform.duration_s
        self.result["layout_problems"] = layout_problems(w.window)
        self.step("dropped, listed, drawn")
        self.shot("dropped-and-drawn")
        w.actions_by_key["play_stop"].trigger()
        self.result["play_error"] = "" if w.context.player.playing else \
            w.window.statusBar().currentMessage()
        self.spin(1.5)
        self.result["position_after_play_s"] = w.context.player.position_s
        self.step("playing")
        self.shot("playing")
        if w.context.player.playing:
            w.actions_by_key["play_stop"].trigger()

    def _audition(self) -> None:
        w = self.window
        backend = w.requests.backend
        assert backend is not None
        original = w.takes.takes()[0]
        selected: TakeInfo | None = None
        try:
            voice_ids = backend.first_voice_ids(1)
            conversions = backend.order(original.id, voice_ids)
            self.result["audition_mode"] = "conversion"
            w.browser.reload_takes()
            self.wait_until("the conversion listed",
                            lambda: len(w.takes.conversions_of(original.id)) == 1, 30)
            self.wait_until("the conversion done",
                            lambda: w.takes.take(conversions[0].id).state == "done", 240)
            w.takes_view.expandAll()
            self.step("converted")
            self.shot("converted")
            selected = w.takes.take(conversions[0].id)
            index = w.takes_proxy.mapFromSource(w.takes.index_of(conversions[0].id))
            w.takes_view.setCurrentIndex(index)
        except Exception as exc:  # orders not served yet: compare two uploaded takes
            self.result["audition_mode"] = f"two uploads ({type(exc).__name__}: {exc})"[:300]
            w.takes_view.selectAll()
        self.wait_until("two tracks to compare", lambda: w.audition.tracks is not None
                        and len(w.audition.tracks.labels) == 2, 120)
        self.step("audition loaded")
        player = w.context.player
        w.actions_by_key["audition_a"].trigger()
        w.actions_by_key["play_stop"].trigger()
        self.spin(1.0)
        before = player.position_s
        w.actions_by_key["audition_b"].trigger()
        after = player.position_s
        self.result["switch"] = {"before_s": before, "after_s": after, "track": player.current,
                                 "playing": player.playing, "labels": w.audition.tracks.labels}
        if selected is not None:  # the conversion picked in the list is B
            self.result["switch"].update(selected_track=w.audition.tracks.index_of(selected.id),
                                         selected_voice=selected.voice_name)
        self.spin(0.6)
        self.shot("audition-b")
        w.actions_by_key["abx_mode"].trigger()
        # a listener who hears which take X is answers right, then one who gets it wrong
        self.result["abx"] = [self._abx_trial(answer_right=True),
                              self._abx_trial(answer_right=False)]
        self.step("abx answered")
        self.shot("abx")
        if player.playing:
            w.actions_by_key["play_stop"].trigger()

    def _abx_trial(self, answer_right: bool) -> dict[str, Any]:
        """Presses X, reads which track the player then sounds (what a listener hears), answers
        right or wrong about it, and records what the score line then says."""
        w = self.window
        audition, player = w.audition, w.context.player
        session = audition.abx
        assert session is not None, "the blind ABX test did not start"
        w.actions_by_key["audition_x"].trigger()
        heard = player.current
        heard_b = heard == audition.b
        says_b = heard_b if answer_right else not heard_b
        trial = {"a": audition.a, "b": audition.b, "x_heard_track": heard,
                 "x_secret_track": audition.b if session.x_is_b else audition.a,
                 "lit_track": w.transport.track_strip.heard(),
                 "now_playing": w.transport.now_label.text(), "said_b": says_b}
        w.actions_by_key["abx_says_b" if says_b else "abx_says_a"].trigger()
        trial["score"] = w.transport.score_label.text()
        return trial


def main(argv: list[str]) -> int:
    out, audio = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    driver = Driver(out, audio)

    def close() -> None:
        driver.window.window.close()
        shutdown(driver.window)
        (out / "result.json").write_text(json.dumps(driver.result, indent=2, default=str))

    return run_scenario(driver.run, driver.shot, driver.result, close)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
