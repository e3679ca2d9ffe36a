"""The dialogs that start from a panel rather than a menu: calibration (the desk's button), a new
private voice (the library's), text to speech (the order panel's). Each opens without a nested
event loop where it can, and its result goes to the part that follows it up."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from voxbooth.studio.desk.controller import DeskController
from voxbooth.studio.desk.target_band import TargetBand
from voxbooth.studio.orders.controller import OrderController
from voxbooth.studio.service.requests import Requests
from voxbooth.studio.voices.controller import VoicesController
from voxbooth.studio.voices.private_voices import PrivateVoiceWatch

if TYPE_CHECKING:
    from voxbooth.studio.calibration.wizard import CalibrationWizard
    from voxbooth.studio.orders.tts_dialog import TtsDialog
    from voxbooth.studio.voices.new_voice import NewVoiceDialog


class Openers:
    def __init__(self, parent: QWidget, requests: Requests, desk: DeskController,
                 target_band: TargetBand, voices: VoicesController, clones: PrivateVoiceWatch,
                 orders: OrderController, tell: Callable[[str], None]) -> None:
        self.parent = parent
        self.requests = requests
        self.desk = desk
        self.target_band = target_band
        self.voices = voices
        self.clones = clones
        self.orders = orders
        self.tell = tell

    def open_calibration(self) -> CalibrationWizard:
        from voxbooth.studio.calibration.wizard import CalibrationWizard

        wizard = CalibrationWizard(self.desk, self.requests, parent=self.parent)
        wizard.saved.connect(
            lambda c: self.target_band.set_speaker_f0(float(c.f0) if c.f0 else None))
        wizard.finished.connect(lambda _r: self.voices.reload())
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()
        return wizard

    def open_new_voice(self) -> NewVoiceDialog:
        """Once its samples are uploaded the voice is followed until the service has made it."""
        from voxbooth.studio.voices.new_voice import NewVoiceDialog

        dialog = NewVoiceDialog(self.requests, self.parent)

        def created() -> None:
            name = dialog.name.text().strip()
            self.clones.follow(dialog.created_id, name)
            self.tell(f"Samples uploaded: “{name}” is being made; you will be told "
                      "here when it is in the library")

        dialog.accepted.connect(created)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def open_tts(self) -> TtsDialog:
        """Its voices are the service's, asked for as it opens."""
        from voxbooth.studio.orders.tts_dialog import TtsDialog

        dialog = TtsDialog(self.parent)
        dialog.accepted.connect(lambda: self.orders.make_tts(*dialog.values()))
        dialog.finished.connect(dialog.deleteLater)
        self.orders.ask_tts_voices(dialog)
        dialog.open()
        return dialog
