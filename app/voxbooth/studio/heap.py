"""The garbage collector and the GUI thread: what the studio has built by the time it first
reaches its service is set aside from every later collection.

Python's full collection walks every object it tracks, whichever thread triggers it and while
holding the interpreter, so the GUI thread waits for it too. By the first connection the studio
holds hundreds of thousands of objects that live as long as it does (modules, classes, Qt
wrappers, the plots); each full collection walked them all again, tens of milliseconds each,
set off by a worker parsing a long take list as readily as by the GUI thread. `gc.freeze()` moves
them into a generation no collection visits; what is made afterwards (take lists, sounds) is
collected as before.

A frozen object is no longer listed by `gc.get_objects()`: what the studio looks for in that list
(open PortAudio streams) is kept findable by weak reference (`find`).
"""

from __future__ import annotations

import gc
import weakref
from typing import Any

_frozen = False
_set_aside: list[weakref.ref[Any]] = []  # objects of `findable` types frozen at start-up


def freeze_start_up(findable: tuple[type, ...] = ()) -> bool:
    """Sets aside every object alive now from later collections, once per process (GUI
    thread, at the first connection: later objects must stay collectable); objects of
    `findable` types stay listed by `find`. True the first time."""
    global _frozen
    if _frozen:
        return False
    if findable:
        _set_aside.extend(weakref.ref(o) for o in gc.get_objects() if isinstance(o, findable))
    gc.freeze()
    _frozen = True
    return True


def find(types: tuple[type, ...]) -> list[Any]:
    """Every live object of `types` the collector tracks, those set aside at start-up too
    (they must have been named `findable` then). Walks the whole heap: a worker's job."""
    found = [o for o in gc.get_objects() if isinstance(o, types)]
    found += [o for o in (r() for r in _set_aside) if isinstance(o, types)]
    return found
