"""What every end-to-end driver does with the real studio: turn its event loop, wait for what a
user would see, answer a name dialog, drop files on a view, take a screenshot of the screen, and
run a scenario so that a failure is recorded and shot before the studio closes."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QInputDialog, QWidget


class EventLoopDriver:
    """`spin` and `wait_until` turn the studio's event loop between pauses of `tick_s`."""

    app: QApplication
    tick_s = 0.01

    def spin(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.app.processEvents()
            time.sleep(self.tick_s)

    def wait_until(self, what: str, condition: Callable[[], bool], timeout_s: float = 60) -> None:
        end = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > end:
                raise TimeoutError(f"waited {timeout_s:.0f} s for: {what}")
            self.app.processEvents()
            time.sleep(2 * self.tick_s)


def answer_next_input(text: str) -> None:
    """Types into the name dialog the next action opens, then presses OK."""
    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QInputDialog):
            dialog.setTextValue(text)
            dialog.accept()
        else:
            QTimer.singleShot(50, fill)
    QTimer.singleShot(100, fill)


def drop_files(view: QWidget, paths: list[Path]) -> bool:
    """Drags `paths` from a file manager onto the middle of `view`; whether it took them."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(view.rect().center())
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view, QDragEnterEvent(pos.toPoint(), *args))
    QApplication.sendEvent(view, QDragMoveEvent(pos.toPoint(), *args))
    drop = QDropEvent(pos, *args)
    QApplication.sendEvent(view, drop)
    return drop.isAccepted()


def screenshot(path: Path, window: QWidget | None = None) -> None:
    """The whole X screen (ImageMagick's `import`); without it, `window` alone, if given."""
    if shutil.which("import") or window is None:
        subprocess.run(["import", "-window", "root", str(path)], check=True, timeout=30)
    else:
        window.grab().save(str(path))


def run_scenario(run: Callable[[], None], shot: Callable[[str], None],
                 result: dict[str, Any], close: Callable[[], None]) -> int:
    """Runs the scenario; a failure goes into `result["error"]` with a screenshot; `close`
    always runs. The process's exit code."""
    code = 0
    try:
        run()
    except Exception:
        result["error"] = traceback.format_exc()
        code = 1
        with contextlib.suppress(Exception):
            shot("failure")
    finally:
        close()
    return code
