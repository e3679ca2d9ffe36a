"""Edits of the waveform's selection (trim, fade, normalise), each made as a new take.

The take drawn is edited (`dsp.edits`, in a worker), written beside the desk's takes and sent
through the outbox into the take's folder, named after the take and the edit; the take itself is
never touched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import soundfile as sf
from PySide6.QtCore import QObject

from voxbooth.dsp import edits
from voxbooth.studio.analysis import TakeAudio
from voxbooth.studio.audition.controller import AuditionController
from voxbooth.studio.models.takes import TakesModel
from voxbooth.studio.outbox.outbox import Outbox
from voxbooth.studio.service.requests import Requests

EDITS: dict[str, tuple[Callable[..., object], str]] = {  # the waveform's `EDITS` keys
    "trim": (edits.trim, "trimmed"),
    "fade_in": (edits.fade_in, "faded in"),
    "fade_out": (edits.fade_out, "faded out"),
    "normalise": (edits.normalise, "normalised"),
}


def edited_name(label: str, op: str) -> str:
    """"line one trimmed": the take's label and the edit, safe as a file name anywhere."""
    words = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', " ", f"{label} {EDITS[op][1]}")
    return re.sub(r"\s+", " ", words).strip(" .")[:120] or EDITS[op][1]


def write_edit(audio: TakeAudio, op: str, start_s: float, end_s: float, label: str,
               folder: Path) -> Path:
    """Worker: the edit applied to the take's samples, written as a 24-bit WAV in `folder`."""
    edit, _done = EDITS[op]
    samples = edit(audio.samples, audio.rate_hz, start_s, end_s)
    folder.mkdir(parents=True, exist_ok=True)
    name = edited_name(label, op)
    path, n = folder / f"{name}.wav", 2
    while path.exists():
        path, n = folder / f"{name} {n}.wav", n + 1
    sf.write(str(path), samples, audio.rate_hz, subtype="PCM_24")
    return path


class TakeEdits(QObject):
    def __init__(self, requests: Requests, audition: AuditionController, takes: TakesModel,
                 outbox: Outbox, folder: Callable[[], Path], tell: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.requests, self.audition, self.takes = requests, audition, takes
        self.outbox, self.folder, self.tell = outbox, folder, tell

    def apply(self, op: str, start_s: float, end_s: float) -> None:
        drawn = self.audition.drawn_take()
        take = self.takes.take(drawn[0]) if drawn is not None else None
        if drawn is None or take is None or op not in EDITS:
            self.tell("Pick a take, select a region of it, then edit")
            return
        folder_id = take.folder_id or ""
        self.tell(f"Making “{edited_name(take.label, op)}” as a new take…")
        self.requests.run(write_edit, drawn[1], op, start_s, end_s, take.label, self.folder(),
                          on_result=lambda path: self.outbox.add([path], folder_id))
