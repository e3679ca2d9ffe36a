"""A private X display (Xvfb) for end-to-end tests of the real window, stopped by its PID."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

X_SOCKET_DIR = Path("/tmp/.X11-unix")


def xvfb_missing_reason() -> str | None:
    if shutil.which("Xvfb") is None:
        return "Xvfb is not installed (Debian package xvfb)"
    return None


def _free_display() -> int:
    # pytest-xdist's workers (gw0, gw1, ...) search apart, so two never pick one number at once
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    start = 90 + 200 * (int(worker) if worker.isdigit() else 0)
    for number in range(start, start + 200):
        taken = (X_SOCKET_DIR / f"X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists()
        if not taken:
            return number
    raise RuntimeError(f"no free X display number between :{start} and :{start + 199}")


@dataclass
class XDisplay:
    number: int
    proc: subprocess.Popen[bytes]

    @property
    def name(self) -> str:
        return f":{self.number}"

    def env(self) -> dict[str, str]:
        """The environment for a child that should draw on this display with Qt's xcb."""
        env = dict(os.environ, DISPLAY=self.name, QT_QPA_PLATFORM="xcb")
        env.pop("WAYLAND_DISPLAY", None)
        return env

    def screenshot(self, path: Path) -> Path:
        """The whole screen, as a user would see it (imagemagick's `import`)."""
        subprocess.run(["import", "-display", self.name, "-window", "root", str(path)],
                       check=True, timeout=30, capture_output=True)
        return path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


@contextmanager
def xvfb_display(width: int = 1280, height: int = 860, depth: int = 24) -> Iterator[XDisplay]:
    number = _free_display()
    proc = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", f"{width}x{height}x{depth}", "-nolisten", "tcp",
         "-noreset"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    display = XDisplay(number, proc)
    try:
        deadline = time.monotonic() + 15.0
        while not (X_SOCKET_DIR / f"X{number}").exists():
            if proc.poll() is not None:
                raise RuntimeError(f"Xvfb :{number} exited with {proc.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Xvfb :{number} did not start within 15 s")
            time.sleep(0.05)
        yield display
    finally:
        display.stop()
