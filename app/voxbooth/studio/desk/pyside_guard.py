"""A guard against PySide6 6.12.0 on Python 3.11: each call of a Qt method returning nothing
(`setObjectName`, `update`, `processEvents`, ...) drops one reference to None that it never took,
and some bool conversions do the same to True and False (pyqtgraph's `setData` path hits them).
They start with a few thousand references, so a studio drawing at 30 fps dies within a minute
("Fatal Python error: none_dealloc" / "bool_dealloc"). Python 3.12 made these singletons
immortal, which hides the bug there.

Until the pinned PySide6 is fixed, the singletons are given a reference count no session can use
up. This writes CPython's `ob_refcnt` (the first field of every object) directly, once per process.
"""

from __future__ import annotations

import ctypes
import sys

_RESERVE = 1 << 40  # 10^12 void calls: centuries at the studio's call rate
_done = False


def needs_guard() -> bool:
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    try:
        import PySide6
    except ImportError:
        return False
    return PySide6.__version__.startswith("6.12.")


def keep_none_alive() -> bool:
    """Applies the guard when this PySide6/Python pair needs it; True if it did."""
    global _done
    if _done or not needs_guard():
        return False
    for singleton in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(singleton))
        refcount.value += _RESERVE
    _done = True
    return True
