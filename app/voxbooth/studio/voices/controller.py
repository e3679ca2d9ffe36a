"""The voice library's controller: loads voices and portraits, favourites, semitones, samples."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from voxbooth.studio.entities import VoiceInfo
from voxbooth.studio.service import voices as service
from voxbooth.studio.service.requests import Requests
from voxbooth.studio.voices.model import VoicesModel

PORTRAIT_PX = 64


def icon_from_svg(data: bytes, size: int = PORTRAIT_PX) -> QIcon:
    renderer = QSvgRenderer(QByteArray(data))
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return QIcon(QPixmap.fromImage(image))


class VoicesController(QObject):
    loaded = Signal()
    voice_changed = Signal(object)  # VoiceInfo as the service now has it
    sample_ready = Signal(str)  # path of a downloaded accent sample
    speaker_f0 = Signal(object)  # enabled calibration f0 (Hz) or None
    message = Signal(str)

    def __init__(self, requests: Requests, model: VoicesModel, cache_dir: Path,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.requests = requests
        self.model = model
        self.cache_dir = cache_dir
        self._portraits_asked = False

    def reload(self) -> None:
        backend = self.requests.backend
        if backend is None:
            return
        self.requests.run(service.list_voices, backend, on_result=self._on_voices)
        self.requests.run(service.enabled_calibration_f0, backend,
                          on_result=self.speaker_f0.emit, on_error=lambda _e: None)

    def _on_voices(self, voices: list[VoiceInfo]) -> None:
        self.model.set_voices(voices)
        self.loaded.emit()
        backend = self.requests.backend
        if backend is not None:
            self.requests.run(service.fetch_portraits, backend, voices,
                              on_result=self._on_portraits)

    def _on_portraits(self, portraits: dict[str, bytes]) -> None:
        for voice_id, data in portraits.items():
            self.model.set_icon(voice_id, icon_from_svg(data))

    def toggle_favorite(self, voice_id: str) -> None:
        backend = self.requests.backend
        if backend is not None:
            self.requests.run(service.toggle_favorite, backend, voice_id,
                              on_result=self._on_voice)

    def save_semitones(self, voice_id: str, accent_id: str, semitones: float) -> None:
        backend = self.requests.backend
        if backend is not None and accent_id:
            self.requests.run(service.save_semitones, backend, voice_id, accent_id, semitones,
                              on_result=self._on_voice)

    def _on_voice(self, fresh: VoiceInfo) -> None:
        before = self.model.voice(fresh.id)
        if before is not None and not fresh.accents:
            fresh = replace(fresh, accents=before.accents)
        self.model.upsert(fresh)
        self.voice_changed.emit(fresh)

    def fetch_accent_sample(self, accent_id: str) -> None:
        backend = self.requests.backend
        if backend is None:
            return
        self.requests.run(service.accent_sample_file, backend, accent_id,
                          self.cache_dir / "accent-samples", on_result=self._on_sample)

    def _on_sample(self, path: Path | None) -> None:
        if path is None:
            self.message.emit("This accent has no sample to play yet")
        else:
            self.sample_ready.emit(str(path))
