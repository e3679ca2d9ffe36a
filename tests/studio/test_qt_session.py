"""An hour at the desk does not kill the studio: void Qt calls and curve updates keep Python's
None/True/False alive. PySide6-Essentials 6.12.0 on Python 3.11 drops a reference to them on each
such call and dies with "none_dealloc" within a minute of live drawing; pyproject.toml pins below
it, and this test fails on any PySide6 that brings the leak back."""

from __future__ import annotations

import subprocess
import sys

CALLS = 20000  # several times None's own reference count at start-up

_SESSION = f"""
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication
import pyqtgraph as pg
app = QApplication([])
o = QObject()
for _ in range({CALLS}):
    o.setObjectName("take")
curve = pg.PlotDataItem()
for _ in range(3000):
    curve.setData(np.arange(10.0), np.ones(10))
print("alive")
"""


def test_a_long_session_of_qt_calls_survives() -> None:
    done = subprocess.run([sys.executable, "-c", _SESSION], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "alive" in done.stdout, done.stderr[-500:]
