"""A voice's detail: portrait, description, accents with their samples and semitone setting,
narration styles, favourite toggle."""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from voxbooth.dsp.pitch import hz_to_note_name
from voxbooth.studio.entities import VoiceInfo


class VoiceDetail(QWidget):
    favorite_toggled = Signal(str)  # voice id
    semitones_saved = Signal(str, str, float)  # voice id, accent id, semitones
    sample_requested = Signal(str)  # accent id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("voiceDetail")
        self.voice: VoiceInfo | None = None
        self.portrait = QLabel()
        self.portrait.setFixedSize(48, 48)
        self.name_label = QLabel("Pick a voice")
        self.name_label.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.facts = QLabel("")
        self.facts.setWordWrap(True)
        self.description = QLabel("")
        self.description.setWordWrap(True)
        self.favorite_button = QPushButton("☆ Favourite")
        self.favorite_button.setObjectName("voiceFavoriteButton")
        self.accent_picker = QComboBox()
        self.accent_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.play_sample = QPushButton("▶ Hear")  # the accent's name gets the room
        self.play_sample.setToolTip("Hear this accent")
        self.semitones = QDoubleSpinBox()
        self.semitones.setRange(-24.0, 24.0)
        self.semitones.setSingleStep(0.5)
        self.semitones.setSuffix(" st")
        self.semitones.setToolTip("Your correction for this voice and accent, added to the "
                                  "shift that lands your pitch on the voice's")
        self.save_semitones = QPushButton("Save")
        self.styles = QLabel("")
        self.styles.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(self.portrait)
        names = QVBoxLayout()
        names.addWidget(self.name_label)
        names.addWidget(self.facts)
        head.addLayout(names, 1)
        head.addWidget(self.favorite_button)
        accent_row = QHBoxLayout()
        accent_row.addWidget(self.accent_picker, 1)
        accent_row.addWidget(self.play_sample)
        semitone_row = QHBoxLayout()
        semitone_row.addWidget(self.semitones)
        semitone_row.addWidget(self.save_semitones)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("Accent", accent_row)
        form.addRow("Semitones", semitone_row)
        form.addRow("Narration styles", self.styles)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.description)
        layout.addLayout(form)
        layout.addStretch(1)  # spare height goes below, never between the rows
        self.favorite_button.clicked.connect(self._toggle_favorite)
        self.accent_picker.currentIndexChanged.connect(self._show_accent)
        self.save_semitones.clicked.connect(self._save)
        self.play_sample.clicked.connect(self._play)
        self.show_voice(None)

    def show_voice(self, voice: VoiceInfo | None, icon: QIcon | None = None) -> None:
        same = voice is not None and self.voice is not None and voice.id == self.voice.id
        self.voice = voice
        for widget in (self.favorite_button, self.accent_picker, self.play_sample,
                       self.semitones, self.save_semitones):
            widget.setEnabled(voice is not None)
        if voice is None:
            self.show_portrait(None)
            self.name_label.setText("Pick a voice")
            self.facts.setText("")
            self.description.setText("")
            self.styles.setText("")
            self.accent_picker.clear()
            return
        self.show_portrait(icon)
        self.name_label.setText(voice.name + ("  (private)" if voice.is_private else ""))
        pitch = f"{voice.pitch_hz:.0f} Hz ({hz_to_note_name(voice.pitch_hz)})" \
            if voice.pitch_hz else ""
        self.facts.setText(" · ".join(p for p in (voice.species, voice.gender, voice.age_group,
                                                   pitch, voice.nationality) if p))
        self.description.setText(voice.description)
        self.favorite_button.setText("★ Favourite" if voice.favorite else "☆ Favourite")
        self.styles.setText(", ".join(s.name for s in voice.narration_styles) or "–")
        current = self.accent_picker.currentData() if same else None
        self.accent_picker.blockSignals(True)
        self.accent_picker.clear()
        for accent in voice.accents:
            self.accent_picker.addItem(accent.name + (" (default)" if accent.is_default else ""),
                                       accent.id)
        default = voice.default_accent()
        wanted = current or (default.id if default else None)
        self.accent_picker.setCurrentIndex(max(0, self.accent_picker.findData(wanted)))
        # as wide as its longest accent needs (the row wraps under its label to make room)
        self.accent_picker.setMinimumWidth(self.accent_picker.sizeHint().width())
        self.accent_picker.blockSignals(False)
        self._show_accent()

    def show_portrait(self, icon: QIcon | None) -> None:
        """The voice's portrait, or none (never the previous voice's)."""
        if icon is None:
            self.portrait.clear()
        else:
            self.portrait.setPixmap(icon.pixmap(QSize(48, 48)))

    def current_accent_id(self) -> str:
        return str(self.accent_picker.currentData() or "")

    def _show_accent(self) -> None:
        accent = self.voice.accent(self.current_accent_id()) if self.voice else None
        self.semitones.setValue(accent.semitones_correction if accent else 0.0)

    def _toggle_favorite(self) -> None:
        if self.voice is not None:
            self.favorite_toggled.emit(self.voice.id)

    def _save(self) -> None:
        if self.voice is not None:
            self.semitones_saved.emit(self.voice.id, self.current_accent_id(),
                                      float(self.semitones.value()))

    def _play(self) -> None:
        if self.current_accent_id():
            self.sample_requested.emit(self.current_accent_id())
