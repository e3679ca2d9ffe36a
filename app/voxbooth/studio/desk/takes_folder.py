"""Where the desk keeps takes: a folder the artist can find, beside the upload queue file.

The artist may choose another folder for new takes in Settings (`StudioSettings.takes_folder`);
the queue file stays in the desk's own folder and names each take by its full path, so takes
recorded before the change are never moved and still upload, and crash recovery looks in every
folder the queue has takes in.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable
from pathlib import Path

from platformdirs import user_data_dir

from voxbooth.audio.recovery import RepairedTake, recover_folder
from voxbooth.studio.settings import SETTINGS_DIR_ENV

TAKES_DIR_ENV = "VOXBOOTH_TAKES_DIR"  # tests, and artists who want takes on another disk


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


def recover_takes(folders: Iterable[Path]) -> list[RepairedTake]:
    """Worker: repairs the takes a killed studio left open in each folder (each once; a folder
    that is gone, an unplugged disk say, holds none)."""
    repaired: list[RepairedTake] = []
    for folder in dict.fromkeys(Path(f) for f in folders):
        repaired += recover_folder(folder)
    return repaired
