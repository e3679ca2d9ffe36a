"""Where VoxBooth's shipped data (voice catalogue, prompts, icons) lives."""

from __future__ import annotations

import os
from pathlib import Path


def resources_dir() -> Path:
    """The `resources/` folder: `VOXBOOTH_RESOURCES` if set, else the one beside `app/`."""
    override = os.environ.get("VOXBOOTH_RESOURCES")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "resources"
