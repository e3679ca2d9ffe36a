"""The desk follows the studio's settings: the microphone and the takes folder chosen in Settings
apply at once, and a microphone picked at the desk is the one Settings remembers (the assembly
connects that way round)."""

from __future__ import annotations

from voxbooth.studio.desk.controller import DeskController
from voxbooth.studio.desk.panel import DeskPanel
from voxbooth.studio.settings import StudioSettings


def follow_settings(settings: StudioSettings, desk: DeskController, panel: DeskPanel) -> None:
    desk.set_takes_folder(settings.takes_folder())
    settings.takes_folder_changed.connect(desk.set_takes_folder)
    settings.input_device_changed.connect(panel.use_device)
