"""Launch to the first painted window and to a usable embedded service, and what the studio's
start path imports (targets, issue 13: first paint within 3x a bare PySide6 window, a usable
service within 8x; nothing heavy - scipy, pyworld, the engine, lingua - before the window paints).

Run on demand: .venv/bin/pytest -s tests/bench/test_studio_startup.py
References measured in the same run: a bare Qt window's first paint, `voxbooth serve` alone
answering /api/health, and the import of PySide6's widgets alone.
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
w = QMainWindow(); w.resize(1200, 780)
class F(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint:
            print(f"bare-paint {time.perf_counter() - t0:.3f}", flush=True); app.quit()
        return False
f = F(); w.installEventFilter(f); w.show(); app.exec()
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


# what `voxbooth studio` imports before its window can paint: the CLI, the studio's start-up,
# and what `build_studio` imports once the service child is launched (window, plots)
START_PATH = ("import voxbooth.cli, voxbooth.studio.cli, voxbooth.studio.app, "
              "voxbooth.studio.window, voxbooth.studio.plot_theme")
HEAVY = ("scipy", "pyworld", "voxbooth.engine", "lingua", "voxbooth.server", "pyloudnorm")


def import_times(statement: str) -> tuple[float, dict[str, float], set[str]]:
    """(total s, seconds of own import time per top-level package, every module imported) for
    `statement` in a fresh interpreter, from `python -X importtime`."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", statement], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    per_package: dict[str, float] = {}
    modules: set[str] = set()
    total_us = 0
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|")
        module = name.strip()
        modules.add(module)
        parts = module.split(".")
        top = ".".join(parts[:3]) if parts[0] == "voxbooth" else parts[0]
        per_package[top] = per_package.get(top, 0.0) + int(own) / 1e6
        if not name.startswith("  "):  # a top-level import: its cumulative time counts once
            total_us += int(cumulative)
    return total_us / 1e6, per_package, modules


def test_import_time_of_the_studio_start_path() -> None:
    qt_s, _qt, _ = import_times("import PySide6.QtWidgets")
    total_s, packages, modules = import_times(START_PATH)
    print()
    print(f"PySide6.QtWidgets alone:        {qt_s:6.2f} s (reference)")
    print(f"the studio's start path:        {total_s:6.2f} s ({total_s / qt_s:.1f}x)")
    print("five largest imports (own time, summed per package):")
    for name, seconds in sorted(packages.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  {name:38s} {seconds:6.2f} s")
    heavy = sorted({m for m in modules for h in HEAVY if m == h or m.startswith(h + ".")})
    print(f"heavy modules on the start path: {', '.join(heavy) or 'none'}")
    assert not heavy, heavy
