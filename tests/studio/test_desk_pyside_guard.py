"""The studio survives long sessions on PySide6 6.12.0 with Python 3.11 (see pyside_guard):
thousands of void Qt calls and of curve updates, as an hour at the desk makes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from voxbooth.studio.desk.pyside_guard import needs_guard

CALLS = 20000  # several times None's own reference count at start-up


def _void_calls(guarded: bool) -> subprocess.CompletedProcess[str]:
    code = (
        "from voxbooth.studio.desk.pyside_guard import keep_none_alive\n"
        f"{'keep_none_alive()' if guarded else ''}\n"
        "import os\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "import numpy as np\n"
        "import pyqtgraph as pg\n"
        "from PySide6.QtCore import QObject\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "o = QObject()\n"
        f"for _ in range({CALLS}): o.setObjectName('take')\n"
        "curve = pg.PlotDataItem()\n"
        "for _ in range(3000): curve.setData(np.arange(10.0), np.ones(10))\n"
        "print('alive')\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)


def test_a_long_session_of_qt_calls_survives() -> None:
    done = _void_calls(guarded=True)
    assert done.returncode == 0 and "alive" in done.stdout, done.stderr[-500:]


@pytest.mark.skipif(not needs_guard(), reason="this PySide6/Python pair does not leak None")
def test_without_the_guard_the_same_session_dies() -> None:
    done = _void_calls(guarded=False)
    assert done.returncode != 0 and "deallocating" in done.stderr
