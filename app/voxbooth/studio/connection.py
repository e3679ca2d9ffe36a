"""Keeps the studio connected: starts the embedded service (or reaches a remote one), watches its
health, restarts the embedded one when it dies, and tells the window by signal."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from voxbooth.studio.backend import StudioBackend
from voxbooth.studio.embedded import EmbeddedService
from voxbooth.studio.errors import user_message
from voxbooth.studio.settings import REMOTE, StudioSettings, load_api_key
from voxbooth.studio.workers import TaskRunner

HEALTH_INTERVAL_MS = 2000
BackendFactory = Callable[[str, str | None], StudioBackend]


class ServiceConnection(QObject):
    """Signals arrive on the GUI thread; every wait happens in a worker."""

    status = Signal(str)  # a line for the status bar
    ready = Signal(object)  # StudioBackend, each time a (new) connection is usable
    unreachable = Signal(str)  # banner text
    restored = Signal()

    def __init__(self, runner: TaskRunner, settings: StudioSettings,
                 backend_factory: BackendFactory = StudioBackend.connect,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.settings = settings
        self.backend_factory = backend_factory
        self.embedded: EmbeddedService | None = None
        self.backend: StudioBackend | None = None
        self.base_url = ""
        self._down = False
        self._checking = False
        self._timer = QTimer(self)
        self._timer.setInterval(HEALTH_INTERVAL_MS)
        self._timer.timeout.connect(self.check_now)

    @property
    def is_up(self) -> bool:
        return self.backend is not None and not self._down

    def start(self) -> None:
        choice = self.settings.server()
        if choice.mode == REMOTE and choice.remote_url:
            self.base_url = choice.remote_url.rstrip("/")
            key = load_api_key(self.base_url)
            self.status.emit(f"Connecting to {self.base_url}…")
            self.runner.run(self._open_remote, self.base_url, key,
                            on_result=self._on_ready, on_error=self._on_start_failed)
        else:
            if self.embedded is None:  # else: launched early, before the window was built
                self.embedded = EmbeddedService(self.settings.embedded_data_dir())
            self.status.emit("Starting the VoxBooth service…")
            self.runner.run(self._open_embedded, self.embedded,
                            on_result=self._on_ready, on_error=self._on_start_failed)

    def _open_embedded(self, service: EmbeddedService) -> StudioBackend:  # worker thread
        service.start()
        service.wait_until_healthy()
        return self.backend_factory(service.url, service.api_key)

    def _open_remote(self, url: str, key: str | None) -> StudioBackend:  # worker thread
        backend = self.backend_factory(url, key)
        backend.list_projects()  # proves both the address and the credentials
        return backend

    def _on_ready(self, backend: StudioBackend) -> None:
        old, self.backend = self.backend, backend
        if old is not None and old is not backend:
            old.close()
        if self.embedded is not None:
            self.base_url = self.embedded.url
        was_down, self._down = self._down, False
        self.status.emit(f"Connected to {self.base_url}")
        self.ready.emit(backend)
        if was_down:
            self.restored.emit()
        self._timer.start()

    def _on_start_failed(self, exc: BaseException) -> None:
        self._down = True
        self.unreachable.emit(f"The VoxBooth service is unreachable: {user_message(exc)}")
        self._timer.start()  # keep trying; the banner stays until it answers

    def check_now(self) -> None:
        """Checks health in a worker; called by the timer and when a request failed."""
        if self._checking:
            return
        self._checking = True
        self.runner.run(self._probe, on_result=self._on_probe, on_error=self._on_probe_error)

    def _probe(self) -> str:  # worker thread
        """'ok', 'restarted', or raises."""
        if self.embedded is not None:
            if self.embedded.is_running() and self.embedded.is_healthy(timeout_s=2.0):
                return "ok"
            self.embedded.restart()
            return "restarted"
        backend = self.backend or self.backend_factory(self.base_url, load_api_key(self.base_url))
        backend.list_projects()
        self.backend = backend
        return "ok"

    def _on_probe(self, result: str) -> None:
        self._checking = False
        if result == "restarted" and self.embedded is not None:
            self.status.emit("The embedded service stopped and was restarted")
            self._down = True  # _on_ready clears it and says `restored`
            if self.backend is not None and self.backend_url_matches():
                self._on_ready(self.backend)
            else:
                self._on_ready(self.backend_factory(self.embedded.url, self.embedded.api_key))
        elif self._down and self.backend is not None:
            self._on_ready(self.backend)

    def backend_url_matches(self) -> bool:
        client = self.backend.client if self.backend is not None else None
        url = str(getattr(client, "base_url", "") or "")
        return self.embedded is not None and (not url or url.rstrip("/") == self.embedded.url)

    def _on_probe_error(self, exc: BaseException) -> None:
        self._checking = False
        if not self._down:
            self._down = True
        what = "restarting it" if self.embedded is not None else "retrying"
        self.unreachable.emit(f"The VoxBooth service is unreachable ({user_message(exc)}); "
                              f"{what}. Nothing you did is lost.")

    def report_failure(self, exc: BaseException) -> None:
        """A request failed without an answer: say so now, check, restart if needed."""
        if not self._down:
            self._down = True
            self.unreachable.emit("The VoxBooth service is not answering; reconnecting. "
                                  "Nothing you did is lost.")
        self.check_now()

    def reconnect(self) -> None:
        """Applies changed server settings; the old connection is closed in a worker (stopping
        an embedded service waits for it to exit)."""
        self._timer.stop()
        old_backend, old_embedded = self.backend, self.embedded
        self.backend, self.embedded, self._down = None, None, False

        def close_old() -> None:
            if old_backend is not None:
                old_backend.close()
            if old_embedded is not None:
                old_embedded.stop()

        self.runner.run(close_old)
        self.start()

    def stop(self) -> None:
        """On exit: stops the health checks and the embedded child (by its PID)."""
        self._timer.stop()
        if self.backend is not None:
            self.backend.close()
        if self.embedded is not None:
            self.embedded.stop()
