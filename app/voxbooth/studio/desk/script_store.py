"""The script the artist is recording, kept beside the takes it labels (`script.json` in the
takes folder), so a restart comes back to the same script, line and takes.

Qt-free; `load` and `write` run in workers. The GUI thread only `offer`s a snapshot (a dict it
no longer changes); each `write` puts down the newest snapshot offered, so writes that finish out
of order never leave an older state on disk.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

SCRIPT_FILE = "script.json"


class ScriptStore:
    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / SCRIPT_FILE
        self._latest: dict[str, Any] | None = None
        self._written: dict[str, Any] | None = None
        self._lock = threading.Lock()

    def load(self) -> dict[str, Any] | None:
        """Worker: the saved script, or None when there is none (or it cannot be read)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            # a damaged file must not stop the desk: kept aside for the artist, desk starts empty
            self.path.replace(self.path.with_suffix(f".damaged-{int(time.time())}.json"))
            return None
        return data if isinstance(data, dict) else None

    def offer(self, snapshot: dict[str, Any]) -> None:
        """GUI thread: the state to write next (replaced, never changed in place)."""
        self._latest = snapshot

    def write(self) -> None:
        """Worker: writes the newest snapshot offered, atomically (a crash leaves the old file)."""
        with self._lock:
            snapshot = self._latest
            if snapshot is None or snapshot is self._written:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + ".tmp")
            tmp.write_text(json.dumps(snapshot, ensure_ascii=False, indent=1), encoding="utf-8")
            os.replace(tmp, self.path)
            self._written = snapshot
