"""Settings: the server (embedded or remote, API key or login), audio devices, storage, theme.

Audio devices, the takes folder and the theme apply as soon as they are saved (the settings
announce the change; the player, the desk and the theme follow); a new server means connecting
again.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from voxbooth.studio.desk.takes_folder import default_takes_dir
from voxbooth.studio.service.backend import login_for_key
from voxbooth.studio.service.workers import TaskRunner
from voxbooth.studio.settings import (
    EMBEDDED,
    REMOTE,
    THEMES,
    ServerChoice,
    StudioSettings,
    default_data_dir,
    load_api_key,
    store_api_key,
)


def list_device_names(direction: str) -> list[str]:
    """Worker thread: PortAudio's device list (it can take a moment to open)."""
    from voxbooth.audio.devices import list_devices

    return [d.name for d in list_devices(direction)]  # type: ignore[arg-type]


class SettingsDialog(QDialog):
    def __init__(self, settings: StudioSettings, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings = settings
        self.runner = runner
        choice = settings.server()
        self.embedded = QRadioButton("Embedded service on this computer (default)")
        self.remote = QRadioButton("Remote VoxBooth server")
        group = QButtonGroup(self)
        group.addButton(self.embedded)
        group.addButton(self.remote)
        (self.remote if choice.mode == REMOTE else self.embedded).setChecked(True)
        self.url = QLineEdit(choice.remote_url)
        self.url.setPlaceholderText("https://voxbooth.example.org")
        # the key the studio uses now: saving a different one (typed, or from a login) reconnects
        self._key_in_use = load_api_key(choice.remote_url) or "" if choice.remote_url else ""
        self.api_key = QLineEdit(self._key_in_use)
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.email = QLineEdit(choice.email)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.login_button = QPushButton("Log in and keep a key")
        self.login_button.clicked.connect(self._login)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.data_dir = QLineEdit(str(settings.embedded_data_dir()))
        self.takes_folder = QLineEdit(str(settings.takes_folder() or default_takes_dir()))
        self.takes_folder.setToolTip("New takes are recorded here. Takes already recorded stay "
                                     "where they are and still upload.")
        self.output = QComboBox()
        self.input = QComboBox()
        for combo, current in ((self.output, settings.output_device()),
                               (self.input, settings.input_device())):
            combo.addItem("System default", "")
            if current:
                combo.addItem(current, current)
                combo.setCurrentIndex(1)
        self.theme = QComboBox()
        self.theme.setObjectName("themeChoice")
        for theme, label in THEMES.items():
            self.theme.addItem(label, theme)
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme())))
        self._fill_devices()
        self._layout()

    def _layout(self) -> None:
        server = QGroupBox("Server")
        form = QFormLayout(server)
        form.addRow(self.embedded)
        form.addRow(self.remote)
        form.addRow("Address", self.url)
        form.addRow("API key (kept in the OS keyring)", self.api_key)
        form.addRow("or e-mail", self.email)
        form.addRow("password", self.password)
        form.addRow(self.login_button, self.status)
        storage = QGroupBox("Storage")
        storage_form = QFormLayout(storage)
        storage_form.addRow("Embedded service data",
                            self._with_chooser(self.data_dir, "Embedded service data"))
        storage_form.addRow("Takes folder",
                            self._with_chooser(self.takes_folder, "Where new takes go"))
        audio = QGroupBox("Audio devices")
        audio_form = QFormLayout(audio)
        audio_form.addRow("Playback", self.output)
        audio_form.addRow("Recording", self.input)
        appearance = QGroupBox("Appearance")
        appearance_form = QFormLayout(appearance)
        appearance_form.addRow("Theme", self.theme)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (server, storage, audio, appearance, buttons):
            layout.addWidget(widget)

    def _fill_devices(self) -> None:
        for combo, direction in ((self.output, "output"), (self.input, "input")):
            self.runner.run(list_device_names, direction,
                            on_result=partial(self._add_devices, combo),
                            on_error=lambda _exc: None)  # no devices: the default stays

    @staticmethod
    def _add_devices(combo: QComboBox, names: list[str]) -> None:
        for name in names:
            if combo.findData(name) < 0:
                combo.addItem(name, name)

    def _with_chooser(self, edit: QLineEdit, title: str) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(edit, 1)
        browse = QPushButton("Choose…")
        browse.clicked.connect(partial(self._browse, edit, title))
        layout.addWidget(browse)
        return row

    def _browse(self, edit: QLineEdit, title: str) -> None:
        chosen = QFileDialog.getExistingDirectory(self, title, edit.text())
        if chosen:
            edit.setText(chosen)

    def _login(self) -> None:
        url, email = self.url.text().strip(), self.email.text().strip()
        password = self.password.text()
        if not (url and email and password):
            self.status.setText("Give the address, e-mail and password")
            return
        self.status.setText("Logging in…")
        self.runner.run(login_for_key, url, email, password,
                        on_result=self._on_key, on_error=self._on_login_error)

    def _on_key(self, key: str) -> None:
        self.api_key.setText(key)
        self.password.clear()
        self.remote.setChecked(True)
        self.status.setText("Logged in; a key for this studio will be kept in the keyring")

    def _on_login_error(self, exc: BaseException) -> None:
        from voxbooth.studio.service.errors import user_message

        self.status.setText(user_message(exc))

    def choice(self) -> ServerChoice:
        data_dir = self.data_dir.text().strip()
        # the default folder, shown filled in, is kept as "none chosen": pressing OK without
        # touching it must not count as a change (in embedded mode that restarts the service)
        chosen = Path(data_dir).expanduser() if data_dir else None
        return ServerChoice(mode=REMOTE if self.remote.isChecked() else EMBEDDED,
                            remote_url=self.url.text().strip().rstrip("/"),
                            email=self.email.text().strip(),
                            data_dir=chosen if chosen != default_data_dir() else None)

    def save(self) -> bool:
        """Stores everything; returns whether the server changed (the studio reconnects)."""
        before = self.settings.server()
        after = self.choice()
        self.settings.set_server(after)
        if after.remote_url:
            store_api_key(after.remote_url, self.api_key.text().strip())
        self.settings.set_output_device(str(self.output.currentData() or ""))
        self.settings.set_input_device(str(self.input.currentData() or ""))
        self.settings.set_theme(str(self.theme.currentData()))
        takes = self.takes_folder.text().strip()
        # the desk's own folder is kept as "none chosen", so it follows VOXBOOTH_TAKES_DIR
        self.settings.set_takes_folder(
            Path(takes).expanduser() if takes and Path(takes) != default_takes_dir() else None)
        self.settings.sync()
        key_changed = self.api_key.text().strip() != self._key_in_use
        return before != after or (after.mode == REMOTE and key_changed)
