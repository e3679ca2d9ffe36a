"""What the window is built from, passed in rather than found (STYLE.md habit 7): tests build
their own with a pool of their own, a given server, a temp cache."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from voxbooth.audio.playback import Player
from voxbooth.studio.service.connection import ServiceConnection
from voxbooth.studio.service.workers import Pool, TaskRunner
from voxbooth.studio.settings import StudioSettings


@dataclass
class StudioContext:
    settings: StudioSettings
    runner: TaskRunner
    connection: ServiceConnection
    player: Player
    cache_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="voxbooth-")))
    upload_pool: Pool | None = None  # None: a pool of its own, three uploads at a time

    def __post_init__(self) -> None:
        # a playback device chosen in Settings is the one the next play opens, not a restart's
        self.settings.output_device_changed.connect(
            lambda name: self.player.set_device(name or None))

    @classmethod
    def create(cls, settings: StudioSettings | None = None,
               runner: TaskRunner | None = None) -> StudioContext:
        settings = settings or StudioSettings()
        runner = runner or TaskRunner()
        connection = ServiceConnection(runner, settings)
        device = settings.output_device() or None
        # the device is opened at the first play: a window opens without one
        return cls(settings, runner, connection, Player(device=device, defer_device=True))
