"""Launch to the first painted window and to a usable embedded service.

Run on demand: .venv/bin/pytest -s tests/bench/test_studio_startup.py
References measured in the same run: a bare Qt window's first paint, and `voxbooth serve`
alone answering /api/health.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.server import LiveServer
from tests.support.xvfb import xvfb_display, xvfb_missing_reason

ROOT = Path(__file__).resolve().parents[2]

BARE_WINDOW = """
import sys, time
t0 = time.perf_counter()
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow(); w.window.resize(1200, 780)
class F(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint:
            print(f"bare-paint {time.perf_counter() - t0:.3f}", flush=True); app.quit()
        return False
f = F(); w.window.installEventFilter(f); w.window.show(); app.exec()
"""


def _studio_milestones(env: dict[str, str], data_dir: Path) -> dict[str, float]:
    started = time.perf_counter()
    command = [sys.executable, "-m", "voxbooth", "studio", "--data-dir", str(data_dir)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    seen: dict[str, float] = {}
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("voxbooth-studio "):
                _tag, what, _inner = line.split()
                seen[what] = time.perf_counter() - started  # wall clock from the launch
            if "service-ready" in seen or time.perf_counter() - started > 120:
                break
    finally:
        proc.send_signal(signal.SIGTERM)  # the studio closes and stops its service
        proc.wait(timeout=30)
    return seen


@pytest.mark.skipif(xvfb_missing_reason() is not None, reason=xvfb_missing_reason() or "")
def test_launch_to_first_paint_and_usable_service(tmp_path: Path) -> None:
    with xvfb_display() as display:
        env = display.env()
        env["VOXBOOTH_STUDIO_TIMING"] = "1"
        env["VOXBOOTH_STUDIO_SETTINGS_DIR"] = str(tmp_path / "settings")
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
        t0 = time.perf_counter()
        bare = subprocess.run([sys.executable, "-c", BARE_WINDOW], env=env, capture_output=True,
                              text=True, timeout=60)
        bare_s = time.perf_counter() - t0
        assert "bare-paint" in bare.stdout, bare.stderr
        cold = _studio_milestones(env, tmp_path / "data-cold")
        warm = _studio_milestones(env, tmp_path / "data-cold")  # same data: a second start
    t0 = time.perf_counter()
    server = LiveServer(data_dir=tmp_path / "serve-alone").start()
    serve_s = time.perf_counter() - t0
    server.stop()
    print()
    print(f"bare Qt window, launch to first paint:     {bare_s:6.2f} s (reference)")
    for name, seen in (("first start", cold), ("second start", warm)):
        paint = seen.get("first-paint", float("nan"))
        ready = seen.get("service-ready", float("nan"))
        print(f"studio {name}: launch to first paint   {paint:6.2f} s "
              f"({paint / bare_s:.1f}x the bare window)")
        print(f"studio {name}: launch to usable service {ready:6.2f} s "
              f"({ready / serve_s:.1f}x `voxbooth serve` alone, {serve_s:.2f} s)")
    assert "first-paint" in cold and "service-ready" in cold
