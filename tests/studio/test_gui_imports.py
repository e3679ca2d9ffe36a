"""What the studio's GUI thread imports itself: nothing that starts PortAudio or loads scipy.

Building the studio imports its panels; PortAudio (started by importing sounddevice: it lists
every device) is started by the desk's workers, and pyloudnorm and scipy by the analysis workers
or the warm-up thread once the studio is usable (`voxbooth.studio.app`). The start-up bench
checks the whole launch; these check the mechanism on every run of the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from voxbooth.studio.import_watch import GuiThreadImports

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sounddevice", "scipy", "pyloudnorm", "pyworld", "lingua")


def test_the_studio_s_modules_import_no_portaudio_nor_scipy() -> None:
    """Everything the build imports (the assembly, its panels, the context with its player)."""
    code = ("import sys; import voxbooth.studio.app, voxbooth.studio.assembly, "
            "voxbooth.studio.context; "
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join([str(ROOT / "app"), str(ROOT),
                                           os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr[-2000:]


def test_the_watch_reports_the_gui_thread_s_imports_only(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("vb_gui_side", "vb_worker_side"):
        (tmp_path / f"{name}.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    reported: list[str] = []
    watch = GuiThreadImports(reported.append, ("vb_gui_side", "vb_worker_side")).install()
    try:
        worker = threading.Thread(target=lambda: __import__("vb_worker_side"))
        worker.start()
        worker.join()
        __import__("vb_gui_side")
        __import__("vb_gui_side")  # once only
    finally:
        sys.meta_path.remove(watch)
        for name in ("vb_gui_side", "vb_worker_side"):
            sys.modules.pop(name, None)
    assert reported == ["vb_gui_side"]
