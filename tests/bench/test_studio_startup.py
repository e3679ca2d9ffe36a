"""Launch to the first painted window and to a usable embedded service, and what the studio's
start path imports (targets, issue 13: first paint within 3x a bare PySide6 window, a usable
service within 8x; nothing heavy - scipy, pyworld, the engine, lingua - before the window paints).

Run on demand: .venv/bin/pytest -s tests/bench/test_studio_startup.py
References measured in the same run: a bare Qt window's first paint (launched the same way,
alternating with the studio so both see the same load), `voxbooth serve` alone answering
/api/health, and the import of PySide6's widgets alone.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.server import LiveServer
from tests.support.xvfb import xvfb_display, xvfb_missing_reason

ROOT = Path(__file__).resolve().parents[2]

ROUNDS = int(os.environ.get("VOXBOOTH_BENCH_ROUNDS", "3"))  # bare and studio, alternated

BARE_WINDOW = """
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1200, 780)
class F(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, lambda: (print("bare first-paint", flush=True), app.quit()))
        return False
f = F(); w.installEventFilter(f); w.show(); app.exec()
"""


def _milestones(command: list[str], env: dict[str, str], tag: str, last: str,
                timeout_s: float = 120) -> dict[str, float]:
    """Seconds from the launch (wall clock, as a person waits) to each `TAG WHAT` line the
    child prints, until `last`; then the child is asked to close (SIGTERM)."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    seen: dict[str, float] = {}
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(tag + " "):
                seen[line.split()[1]] = time.perf_counter() - started
            if last in seen or time.perf_counter() - started > timeout_s:
                break
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # the studio closes and stops its service
        proc.wait(timeout=30)
    return seen


def _studio(env: dict[str, str], data_dir: Path) -> dict[str, float]:
    return _milestones([sys.executable, "-m", "voxbooth", "studio", "--data-dir", str(data_dir)],
                       env, "voxbooth-studio", "warmed")


def _bare(env: dict[str, str]) -> float:
    return _milestones([sys.executable, "-c", BARE_WINDOW], env, "bare", "first-paint",
                       60).get("first-paint", float("nan"))


@pytest.mark.skipif(xvfb_missing_reason() is not None, reason=xvfb_missing_reason() or "")
def test_launch_to_first_paint_and_usable_service(tmp_path: Path) -> None:
    """Bare window and studio alternate, so both see the same load; the first studio start
    makes its data (first start), the later ones reuse it."""
    bare: list[float] = []
    runs: list[dict[str, float]] = []
    with xvfb_display(1280, 720) as display:
        env = display.env()
        env["VOXBOOTH_STUDIO_TIMING"] = "1"
        env["VOXBOOTH_STUDIO_SETTINGS_DIR"] = str(tmp_path / "settings")
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
        for _round in range(ROUNDS):
            bare.append(_bare(env))
            runs.append(_studio(env, tmp_path / "data"))
    t0 = time.perf_counter()
    server = LiveServer(data_dir=tmp_path / "serve-alone").start()
    serve_s = time.perf_counter() - t0
    server.stop()
    nan = float("nan")
    print()
    print(f"{'round':>5} {'bare paint':>10} {'studio paint':>12} {'ratio':>6} "
          f"{'built':>6} {'connected':>9} {'usable':>7}")
    for i, (b, seen) in enumerate(zip(bare, runs, strict=True), start=1):
        paint = seen.get("first-paint", nan)
        print(f"{i:>5} {b:>9.2f}s {paint:>11.2f}s {paint / b:>5.1f}x "
              f"{seen.get('built', nan):>5.2f}s {seen.get('connected', nan):>8.2f}s "
              f"{seen.get('service-ready', nan):>6.2f}s")
    paints = [seen.get("first-paint", nan) for seen in runs]
    ready = [seen.get("service-ready", nan) for seen in runs]
    bare_median, paint_median = statistics.median(bare), statistics.median(paints)
    print(f"median: bare window first paint {bare_median:.2f} s (reference); studio first paint "
          f"{paint_median:.2f} s = {paint_median / bare_median:.1f}x (target 3x)")
    print(f"median: studio usable service {statistics.median(ready):.2f} s = "
          f"{statistics.median(ready) / serve_s:.1f}x `voxbooth serve` alone ({serve_s:.2f} s), "
          f"{statistics.median(ready) / bare_median:.1f}x the bare window (target 8x)")
    assert all("first-paint" in seen and "service-ready" in seen for seen in runs), runs
    # the GUI thread itself imports none of the heavy packages (PortAudio's start, scipy):
    # the desk's workers start PortAudio, a thread warms the analysis once the studio is usable
    gui_imports = sorted({what.removeprefix("gui-imports-") for seen in runs for what in seen
                          if what.startswith("gui-imports-")})
    print(f"median: analysis warmed (scipy, pyloudnorm, in a thread) "
          f"{statistics.median(seen.get('warmed', nan) for seen in runs):.2f} s; "
          f"imported on the GUI thread: {', '.join(gui_imports) or 'none'}")
    assert gui_imports == [], gui_imports


# what `voxbooth studio` imports before its window paints: the CLI and the studio's start-up
# (`studio.app`, which shows the main window); the panels are imported after the first paint
START_PATH = "import voxbooth.cli, voxbooth.studio.cli, voxbooth.studio.app"
HEAVY = ("scipy", "pyworld", "voxbooth.engine", "lingua", "voxbooth.server", "pyloudnorm",
         "pyqtgraph", "sounddevice", "numpy", "soundfile", "voxbooth.studio.assembly")


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
