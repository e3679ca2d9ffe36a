"""What the studio sets aside from the garbage collector at its first connection stays
findable where the studio looks for it (open audio streams), and later objects are collected."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import gc
    import weakref

    from voxbooth.studio import heap

    class Stream:  # stands for a PortAudio stream opened before the first connection
        closed = False

    class Node:
        pass

    early = Stream()
    assert heap.freeze_start_up(findable=(Stream,))
    assert not heap.freeze_start_up(findable=(Stream,))  # once per process
    assert not any(o is early for o in gc.get_objects())  # frozen: the collector lists it no more
    late = Stream()
    assert [o for o in heap.find((Stream,)) if o is early or o is late] in ([late, early],
                                                                            [early, late])
    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle made after start-up is still collected
    gone = weakref.ref(a)
    del a, b
    gc.collect()
    assert gone() is None
    print("ok")
""")


def test_objects_set_aside_at_start_up_stay_findable_and_later_ones_collectable() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
