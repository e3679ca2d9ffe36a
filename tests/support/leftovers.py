"""What a service leaves on disk besides its database: for tests that nothing leaks."""

from __future__ import annotations

from pathlib import Path

LOCK_NAME = ".lock"  # voxbooth.server.scratch.LOCK_NAME: a live process's claim, not a leftover


def temporaries(data_dir: Path) -> list[Path]:
    """Every temporary file under `data_dir/tmp` (each process's scratch folder included),
    not counting the lock files by which live processes hold their folders."""
    root = data_dir / "tmp"
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != LOCK_NAME)
