"""Where the desk keeps takes: a folder the artist can find, beside the upload queue file."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from platformdirs import user_data_dir

TAKES_DIR_ENV = "VOXBOOTH_TAKES_DIR"  # tests, and artists who want takes on another disk


SETTINGS_DIR_ENV = "VOXBOOTH_STUDIO_SETTINGS_DIR"  # a studio with its settings kept apart


def default_takes_dir() -> Path:
    """$VOXBOOTH_TAKES_DIR; else beside settings kept apart (tests); else the user's data dir."""
    override = os.environ.get(TAKES_DIR_ENV)
    if override:
        return Path(override)
    settings_dir = os.environ.get(SETTINGS_DIR_ENV)
    if settings_dir:
        return Path(settings_dir) / "takes"
    return Path(user_data_dir("VoxBooth", "VoxBooth")) / "takes"


def take_file_name(label: str, now_s: float | None = None, suffix: str = "") -> str:
    """"20261121-141502 L03 take 2.wav": sorts by time, readable in a file manager. A script
    label's text after ": " is left out; `suffix` marks derived takes (" punch-in")."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now_s or time.time()))
    head = label.split(": ", 1)[0].replace(":", ".")
    words = re.sub(r"[^\w\-. ]+", "", head).strip(" .")[:40] + suffix
    return f"{stamp} {words}.wav" if words else f"{stamp}.wav"
