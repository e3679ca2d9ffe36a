"""Text to speech: an original made from text, in a detected or chosen language, spoken by the
voice the service picks for that language (its natural voice first) or by another of its voices.

The languages and voices are the service's own (`GET /api/tts-voices`), asked for in a worker
when the dialog opens; until they arrive the language is detected and the voice is the
service's choice, which is also what a service that lists no voices gets.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from voxbooth.studio.entities import TtsVoiceInfo, default_tts_voice

DETECT = ("Detect the language", "")
LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German",
                  "it": "Italian", "pt": "Portuguese", "nl": "Dutch", "sv": "Swedish",
                  "ja": "Japanese", "pl": "Polish", "ru": "Russian", "zh": "Chinese"}
SERVICE_CHOICE = "The service's voice for the language it hears"


class TtsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Text to speech")
        self.voices: list[TtsVoiceInfo] = []
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("Type or paste what the voice should say")
        self.language = QComboBox()
        self.language.setObjectName("ttsLanguage")
        self.voice = QComboBox()
        self.voice.setObjectName("ttsVoice")
        self.label = QLineEdit()
        self.label.setPlaceholderText("Label in the takes list (optional)")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Make original")
        form = QFormLayout(self)
        form.addRow("Text", self.text)
        form.addRow("Language", self.language)
        form.addRow("Voice", self.voice)
        form.addRow("Label", self.label)
        form.addRow(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.language.currentIndexChanged.connect(lambda _i: self._fill_voices())
        self.set_voices([])

    def set_voices(self, voices: list[TtsVoiceInfo]) -> None:
        """The service's voices: its languages to pick from, each with its default voice
        picked (the language chosen so far is kept when the service speaks it)."""
        chosen = self.language_code()
        self.voices = list(voices)
        languages = list(dict.fromkeys(v.language for v in self.voices if v.language))
        self.language.blockSignals(True)
        self.language.clear()
        self.language.addItem(*DETECT)
        for code in languages:
            self.language.addItem(LANGUAGE_NAMES.get(code, code), code)
        self.language.setCurrentIndex(max(0, self.language.findData(chosen)))
        self.language.blockSignals(False)
        self._fill_voices()

    def language_code(self) -> str:
        return str(self.language.currentData() or "")

    def _fill_voices(self) -> None:
        code = self.language_code()
        self.voice.clear()
        default = default_tts_voice(self.voices, code) if code else None
        if default is None:
            self.voice.addItem(SERVICE_CHOICE, "")
            self.voice.setEnabled(False)
            return
        for voice in self.voices:
            if voice.language == code:
                name = f"{voice.name} (default)" if voice.id == default.id else voice.name
                self.voice.addItem(name, voice.id)
        self.voice.setCurrentIndex(self.voice.findData(default.id))
        self.voice.setEnabled(self.voice.count() > 1)

    def voice_id(self) -> str | None:
        """The voice picked when it is not the one the service picks by itself (None then)."""
        code = self.language_code()
        picked = str(self.voice.currentData() or "")
        default = default_tts_voice(self.voices, code) if code else None
        return picked if picked and default is not None and picked != default.id else None

    def values(self) -> tuple[str, str | None, str | None, str | None]:
        """Text, language (None: detected), label (None: the service's), voice (None: the
        service's for the language)."""
        return (self.text.toPlainText().strip(), self.language_code() or None,
                self.label.text().strip() or None, self.voice_id())
