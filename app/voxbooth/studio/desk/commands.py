"""What the desk does with the player: a punch-in's pre-roll, an accent sample played."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QTimer

from voxbooth.audio.playback import Player
from voxbooth.studio.desk.controller import DeskController
from voxbooth.studio.desk.punch import PREROLL_S, PunchPlan
from voxbooth.studio.desk.script_session import ScriptSession
from voxbooth.studio.service.requests import Requests


def read_for_player(path: str, rate_hz: int) -> np.ndarray:
    """Worker: a sample file as mono float at the player's rate."""
    import soundfile as sf

    from voxbooth.audio.playback import resample

    data, file_rate = sf.read(path, dtype="float32", always_2d=True)
    return resample(data.mean(axis=1), int(file_rate), rate_hz)


class DeskCommands:
    def __init__(self, desk: DeskController, script: ScriptSession, requests: Requests,
                 player: Player, tell: Callable[[str], None]) -> None:
        self.desk = desk
        self.script = script
        self.requests = requests
        self.player = player
        self.tell = tell

    def punch_in(self, plan: PunchPlan) -> None:
        """Plays the take's pre-roll, then records the region again from its start."""
        player = self.player
        preroll_s = min(PREROLL_S, plan.start_s)

        def begin() -> None:
            player.stop()
            self.desk.punch_in(plan)

        def loaded(samples: Any) -> None:
            start = int((plan.start_s - preroll_s) * player.rate_hz)
            player.load([samples[start:int(plan.start_s * player.rate_hz)]])
            player.play()
            QTimer.singleShot(int(preroll_s * 1000), begin)

        self.script.punched_from = plan.take_path
        if preroll_s <= 0:
            begin()
            return
        self.requests.run(read_for_player, plan.take_path, player.rate_hz, on_result=loaded)

    def play_sample(self, path: str) -> None:
        player = self.player

        def loaded(samples: Any) -> None:
            player.load([samples])
            player.play()
            self.tell("Playing the accent sample")

        self.requests.run(read_for_player, path, player.rate_hz, on_result=loaded)
