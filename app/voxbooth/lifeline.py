"""Ending a helper process when the process it serves is gone.

The studio's embedded service and the engine's worker processes are not reliably reaped when
their owner dies without cleaning up (SIGKILL, a crash): this lets them notice and end too.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable


def owner_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # the pid was reused by someone else's process
        return False
    return True


def exit_when_gone(owner_pid: int, on_gone: Callable[[], None], poll_s: float = 1.0) -> None:
    """Calls `on_gone` (on a daemon thread) once `owner_pid` no longer runs."""

    def watch() -> None:
        while owner_alive(owner_pid):
            time.sleep(poll_s)
        on_gone()

    threading.Thread(target=watch, name=f"lifeline-{owner_pid}", daemon=True).start()
