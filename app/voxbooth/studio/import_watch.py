"""Which heavy modules the GUI thread imports itself (for the start-up benchmark, tests/bench).

An import hook that only looks: the first import of a watched package on the main thread is
reported through `report(name)`; imports on other threads (workers, warm-ups) are not.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from importlib.machinery import ModuleSpec
from typing import Any

WATCHED = ("scipy", "pyloudnorm", "sounddevice", "pyworld", "lingua")


class GuiThreadImports:
    """A `sys.meta_path` finder that finds nothing; it notes the GUI thread's imports."""

    def __init__(self, report: Callable[[str], None], watched: Sequence[str] = WATCHED) -> None:
        self.report = report
        self.watched = frozenset(watched)
        self.seen: set[str] = set()

    def find_spec(self, name: str, _path: Any = None, _target: Any = None) -> ModuleSpec | None:
        if (name in self.watched and name not in self.seen and name not in sys.modules
                and threading.current_thread() is threading.main_thread()):
            self.seen.add(name)
            self.report(name)
        return None

    def install(self) -> GuiThreadImports:
        sys.meta_path.insert(0, self)
        return self
