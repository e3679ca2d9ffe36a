"""Starts the real studio as `voxbooth` does (the window first, the panels after its first
paint, the embedded service beside it) on an X display, and looks at its layout as a user would.

Run by `test_studio_e2e.py` in a child process (Qt's platform is chosen once per process):
    python -m tests.e2e.layout_driver OUT_DIR AUDIO_FILE
Screenshots go to OUT_DIR; what was seen (sizes, layout problems, texts) to OUT_DIR/result.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tests.e2e.driving import EventLoopDriver, drop_files, run_scenario, screenshot
from tests.support.qt_layout import layout_problems
from voxbooth.studio.app import (
    Launch,
    launch_embedded_early,
    make_application,
    shutdown,
    studio_settings,
)


class LayoutDriver(EventLoopDriver):
    def __init__(self, out: Path, audio: Path) -> None:
        self.out = out
        self.audio = audio
        self.result: dict[str, Any] = {"screenshots": []}
        self.app = make_application()
        settings = studio_settings(out / "service-data")
        self.launch = Launch(self.app, settings, launch_embedded_early(settings),
                             self._milestone)

    def _milestone(self, what: str) -> None:
        if what == "first-paint":  # the window as it first appears, before its panels
            self.result["starting_text"] = self.launch.window.statusBar().currentMessage()
            self.shot("first-paint", settle=False)

    def shot(self, name: str, settle: bool = True) -> None:
        if settle:
            self.spin(0.4)
        path = self.out / f"{len(self.result['screenshots']) + 1:02d}-{name}.png"
        screenshot(path)
        self.result["screenshots"].append(str(path))

    def run(self) -> None:
        launch = self.launch
        self.wait_until("the studio built", lambda: launch.studio is not None, 60)
        studio = launch.studio
        assert studio is not None
        window = studio.window
        self.result["connecting_text"] = studio.takes_view.empty_state.text()
        self.wait_until("the service and a folder", lambda: studio.browser.folder_id != "", 90)
        self.wait_until("the voices", lambda: studio.voices.rowCount() > 1, 30)
        self.wait_until("the empty folder's takes listed",
                        lambda: "Loading" not in studio.takes_view.empty_state.text(), 30)
        self.result["empty_text"] = studio.takes_view.empty_state.text()
        self.shot("ready")
        drop_files(studio.takes_view.viewport(), [self.audio])
        self.wait_until("the take listed", lambda: studio.takes.rowCount() == 1, 60)
        studio.takes_view.setCurrentIndex(studio.takes_proxy.index(0, 0))
        self.wait_until("the waveform", studio.waveform.has_waveform, 60)
        voices = studio.voices.voices()
        studio.voices_panel.select_voice_ids([voices[0].id, voices[1].id])
        self.wait_until("the order priced", lambda: studio.order_panel.cost is not None, 30)
        self.shot("take-picked")
        screen = window.screen().availableGeometry()
        least = window.minimumSizeHint()
        self.result.update(
            screen=[screen.width(), screen.height()],
            window=[window.frameGeometry().width(), window.frameGeometry().height()],
            minimum=[least.width(), least.height()],
            layout_problems=layout_problems(window))


def main(argv: list[str]) -> int:
    out, audio = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    driver = LayoutDriver(out, audio)

    def close() -> None:
        driver.launch.window.close()
        if driver.launch.studio is not None:
            shutdown(driver.launch.studio)
        elif driver.launch.embedded is not None:
            driver.launch.embedded.stop()
        (out / "result.json").write_text(json.dumps(driver.result, indent=2, default=str))

    return run_scenario(driver.run, driver.shot, driver.result, close)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
