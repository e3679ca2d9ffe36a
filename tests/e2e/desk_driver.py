"""Drives the real studio's recording desk on an X display with the virtual microphone.

Run by `test_desk_e2e.py` in a child process:
    python -m tests.e2e.desk_driver OUT_DIR SPEECH_FILE session|restart
`session`: record a take of real speech played into the microphone (R, then Space), check it,
upload it, order it into two voices from the voice panel, audition both A/B, then start a second
take and write OUT_DIR/kill-me so the test can SIGKILL this process mid-take.
`restart`: start again on the same data and see the interrupted take recovered and uploaded.
Screenshots of every step go to OUT_DIR; what was seen goes to OUT_DIR/result-<mode>.json after
every step (a killed process cannot write at the end).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from tests.e2e.driving import EventLoopDriver, answer_next_input, run_scenario, screenshot
from voxbooth.studio.app import build_studio, make_application, shutdown
from voxbooth.studio.assembly import Studio

SECOND_TAKE_LINE = "Second line, cut short by a crash."


class Driver(EventLoopDriver):
    tick_s = 0.005  # the desk turns the loop twice as often, its meter and trace being live

    def __init__(self, out: Path, speech: Path, mode: str) -> None:
        self.out, self.speech, self.mode = out, speech, mode
        self.result: dict[str, Any] = {"steps": [], "screenshots": []}
        self.app = make_application()
        self.window: Studio = build_studio(self.app, data_dir=out / "service-data")

    # -- helpers ------------------------------------------------------------------------------
    def save(self) -> None:
        path = self.out / f"result-{self.mode}.json"
        path.write_text(json.dumps(self.result, indent=2, default=str))

    def shot(self, name: str) -> None:
        self.spin(0.3)
        prefix = "a" if self.mode == "session" else "b"
        path = self.out / f"{prefix}{len(self.result['screenshots']) + 1:02d}-{name}.png"
        screenshot(path, self.window.window)
        self.result["screenshots"].append(str(path))
        self.save()

    def step(self, name: str) -> None:
        self.result["steps"].append(name)
        print(f"desk e2e step: {name}", flush=True)
        self.save()

    def play(self, samples: np.ndarray, rate_hz: int) -> subprocess.Popen[bytes]:
        """Into the virtual microphone's sink, as `tests.support.pulse.VirtualMic.play`."""
        player = subprocess.Popen(
            ["pacat", "--playback", "--device=vmic", "--latency-msec=20", "--format=float32le",
             f"--rate={rate_hz}", "--channels=1", "--raw"], stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        data = np.ascontiguousarray(samples, dtype="<f4").tobytes()

        def feed() -> None:
            assert player.stdin is not None
            with contextlib.suppress(BrokenPipeError, ValueError):
                player.stdin.write(data)
                player.stdin.close()

        threading.Thread(target=feed, daemon=True).start()
        return player

    def play_and_wait(self, samples: np.ndarray, rate_hz: int) -> None:
        player = self.play(samples, rate_hz)
        self.wait_until("the speech played", lambda: player.poll() is not None, 60)
        self.spin(0.5)

    # -- shared start ---------------------------------------------------------------------------
    def start(self) -> None:
        w = self.window
        w.window.show()
        w.window.resize(1600, 1000)  # the artist gives the studio the whole screen
        QTimer.singleShot(0, w.context.connection.start)
        self.wait_until("the embedded service", lambda: w.requests.backend is not None, 120)
        embedded = w.context.connection.embedded
        pid = embedded.proc.pid if embedded and embedded.proc else None
        self.result["embedded_pid"] = pid
        (self.out / f"service-pid-{self.mode}").write_text(str(pid or ""))
        self.wait_until("the microphone", lambda: w.desk.capture is not None, 30)
        self.wait_until("the voices", lambda: w.voices.rowCount() > 0, 60)
        self.result["rate_label"] = w.desk_panel.rate_label.text()
        self.step("service, microphone and voices ready")

    def run(self) -> None:
        self.start()
        if self.mode == "session":
            self.session()
        else:
            self.restart()

    # -- the session ----------------------------------------------------------------------------
    def session(self) -> None:
        w = self.window
        answer_next_input("Audiobook")
        w.actions_by_key["new_project"].trigger()
        self.wait_until("the project", lambda: w.project_picker.currentText() == "Audiobook")
        answer_next_input("Chapter 1")
        w.actions_by_key["new_folder"].trigger()
        self.wait_until("the folder", lambda: w.browser.folder_id != "")
        panel = w.desk_panel
        panel.script_panel.set_text("Author of the danger trail, Philip Steels, et cetera.\n"
                                    + SECOND_TAKE_LINE)
        self.shot("desk-ready")
        self.record_first_take()
        self.order_two_voices()
        self.audition()
        self.second_take_until_killed()

    def record_first_take(self) -> None:
        w = self.window
        flow = w
        speech, rate = sf.read(self.speech, dtype="float32")
        played = np.concatenate([np.zeros(rate // 2, dtype=np.float32), speech,
                                 np.zeros(rate // 2, dtype=np.float32)])
        w.window.activateWindow()
        self.spin(0.3)
        QTest.keyClick(w.takes_view, Qt.Key.Key_R)
        # the take's file is created in a worker: "recording" once the recorder runs
        self.wait_until("the take started", lambda: flow.desk.recording or not flow.desk.starting,
                        10)
        self.result["recording_after_r"] = flow.desk.recording
        assert flow.desk.analysis is not None
        flow.desk.analysis.start_collecting()
        player = self.play(played, rate)
        self.spin(2.5)
        self.shot("recording-live-f0")
        self.wait_until("the speech played", lambda: player.poll() is not None, 60)
        self.spin(0.6)
        live_f0 = flow.desk.analysis.stop_collecting()
        np.save(self.out / "live-f0.npy", live_f0)
        sf.write(self.out / "played.wav", played, rate)
        self.result["overflows_shown"] = flow.desk_panel.overflow_label.text()
        QTest.keyClick(w.takes_view, Qt.Key.Key_Space)
        self.wait_until("the take stopped", lambda: flow.desk.recorder is None, 10)
        self.wait_until("the verdict", lambda: flow.desk_panel.last_verdict is not None, 30)
        verdict = flow.desk_panel.last_verdict
        self.result["verdict"] = verdict.verdict if verdict else None
        self.result["verdict_text"] = flow.desk_panel.verdict_label.text()
        self.wait_until("the take uploaded", lambda: w.takes.rowCount() == 1, 60)
        take = w.takes.takes()[0]
        self.result["take"] = {"label": take.label, "duration_s": take.duration_s,
                               "folder_ok": take.folder_id == w.browser.folder_id,
                               "file": flow.desk_panel.last_take_path}
        self.step("take recorded, checked and uploaded")
        self.shot("take-checked-uploaded")

    def order_two_voices(self) -> None:
        w = self.window
        flow = w
        original = w.takes.takes()[0]
        w.takes_view.setCurrentIndex(w.takes_proxy.index(0, 0))
        library = flow.voices_panel
        library.search.setText("")
        voices = [v for v in flow.voices.voices() if v.species == "human"][:2]
        library.select_voice_ids([v.id for v in voices])
        self.wait_until("the balance", lambda: flow.order_panel.balance is not None, 20)
        # the price is the service's quote, asked for in a worker
        self.wait_until("the price", lambda: flow.order_panel.cost is not None, 20)
        self.result["cost_text"] = flow.order_panel.cost_label.text()
        self.result["target_text"] = flow.desk_panel.live_view.target_label.text()
        self.shot("voices-picked-cost")
        flow.order_panel.submit.click()
        self.wait_until("two conversions listed",
                        lambda: len(w.takes.conversions_of(original.id)) == 2, 30)
        w.takes_view.expandAll()
        self.step("ordered into two voices")
        self.shot("conversions-in-progress")
        self.wait_until("both conversions finished",
                        lambda: all(not t.is_busy for t in w.takes.conversions_of(original.id)),
                        300)
        done = w.takes.conversions_of(original.id)
        self.result["conversions"] = [{"voice": t.voice_name, "state": t.state,
                                       "error": t.error} for t in done]
        self.result["ordered_voices"] = [v.name for v in voices]
        self.step("both conversions finished")
        self.shot("conversions-done")

    def audition(self) -> None:
        w = self.window
        original = w.takes.takes()[0]
        conversions = w.takes.conversions_of(original.id)
        switches = []
        for conversion in conversions:
            index = w.takes_proxy.mapFromSource(w.takes.index_of(conversion.id))
            w.takes_view.setCurrentIndex(index)
            # the original and every finished conversion of it are loaded together
            self.wait_until("the audition tracks", lambda: w.audition.tracks is not None
                            and len(w.audition.tracks.labels) == 1 + len(conversions), 120)
            player = w.context.player
            w.actions_by_key["audition_a"].trigger()
            w.actions_by_key["play_stop"].trigger()
            self.spin(1.0)
            before = player.position_s
            w.actions_by_key["audition_b"].trigger()
            after = player.position_s
            switches.append({"voice": conversion.voice_name, "before_s": before,
                             "after_s": after, "track": player.current,
                             "selected_track": w.audition.tracks.index_of(conversion.id),
                             "playing": player.playing, "labels": w.audition.tracks.labels})
            self.spin(0.8)
            self.shot(f"audition-b-{len(switches)}")
            if player.playing:
                w.actions_by_key["play_stop"].trigger()
        self.result["switches"] = switches
        self.step("both conversions auditioned A/B")

    def second_take_until_killed(self) -> None:
        w = self.window
        flow = w
        flow.desk_panel.script_panel.step_line(1)
        speech, rate = sf.read(self.speech, dtype="float32")
        QTest.keyClick(w.takes_view, Qt.Key.Key_R)
        self.result["second_take_file"] = flow.desk_panel.last_take_path
        self.play(np.concatenate([speech, speech]), rate)
        self.spin(2.5)
        self.shot("second-take-recording")
        status = flow.desk.status()
        self.result["second_take_recorded_s"] = status.duration_s if status else 0.0
        self.step("second take recording; waiting to be killed")
        (self.out / "kill-me").write_text(str(os.getpid()))
        while True:  # the test kills this process with SIGKILL
            self.spin(0.1)

    # -- after the kill -------------------------------------------------------------------------
    def restart(self) -> None:
        w = self.window
        self.wait_until("the folder remembered", lambda: w.browser.folder_id != "", 30)
        self.wait_until("the recovered take uploaded",
                        lambda: any(t.label.startswith("L02") for t in w.takes.takes()), 120)
        take = next(t for t in w.takes.takes() if t.label.startswith("L02"))
        self.result["recovered"] = {"label": take.label, "duration_s": take.duration_s}
        self.result["queue_left"] = len(w.desk.store.entries)
        self.step("the interrupted take is there after the restart")
        self.shot("after-restart")


def main(argv: list[str]) -> int:
    out, speech, mode = Path(argv[0]), Path(argv[1]), argv[2]
    out.mkdir(parents=True, exist_ok=True)
    driver = Driver(out, speech, mode)

    def close() -> None:
        driver.save()
        driver.window.window.close()
        shutdown(driver.window)

    return run_scenario(driver.run, driver.shot, driver.result, close)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
