"""Keeps the studio connected: starts the embedded service (or reaches a remote one), watches its
health, restarts the embedded one when it is really gone, and tells the window by signal.

Really gone: its process has exited, or it has not answered MISSES_BEFORE_RESTART health checks
in a row over at least SILENCE_BEFORE_RESTART_S. A service that answers slowly (a loaded
machine) is working: the status bar says it is slow, and nothing it is doing is stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from voxbooth.studio.service.backend import StudioBackend
from voxbooth.studio.service.embedded import EmbeddedService
from voxbooth.studio.service.errors import is_unreachable, user_message
from voxbooth.studio.service.workers import TaskRunner
from voxbooth.studio.settings import REMOTE, StudioSettings, load_api_key

HEALTH_INTERVAL_MS = 2000
#: a health check waits this long for its answer: a slow answer is still an answer
PROBE_TIMEOUT_S = 5.0
SLOW_ANSWER_S = 1.0  # an answer slower than this is shown as slowness
MISSES_BEFORE_RESTART = 3
SILENCE_BEFORE_RESTART_S = 15.0
BackendFactory = Callable[[str, str | None], StudioBackend]

EXITED, SILENT, ANSWERED = "exited", "silent", "answered"


@dataclass(frozen=True)
class Probe:
    """What one health check found: the process EXITED, it stayed SILENT (why), or it
    ANSWERED (in how many seconds)."""

    outcome: str
    took_s: float = 0.0
    error: BaseException | None = None


class ServiceConnection(QObject):
    """Signals arrive on the GUI thread; every wait happens in a worker."""

    status = Signal(str)  # a line for the status bar
    connecting = Signal()  # reaching a service starts (or starts again, with new settings)
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
        self._misses = 0  # health checks in a row that had no answer
        self._silent_since: float | None = None  # monotonic time of the first of them
        self._timer = QTimer(self)
        self._timer.setInterval(HEALTH_INTERVAL_MS)
        self._timer.timeout.connect(self.check_now)

    @property
    def is_up(self) -> bool:
        return self.backend is not None and not self._down

    def start(self) -> None:
        self.connecting.emit()
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
        backend = self.backend_factory(service.url, service.api_key)
        backend.fetch_rules()
        return backend

    def _open_remote(self, url: str, key: str | None) -> StudioBackend:  # worker thread
        backend = self.backend_factory(url, key)
        backend.list_projects()  # proves both the address and the credentials
        backend.fetch_rules()
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

    def _probe(self) -> Probe:  # worker thread
        if self.embedded is not None and not self.embedded.is_running():
            return Probe(EXITED)
        backend = self.backend or self.backend_factory(self.base_url, load_api_key(self.base_url))
        try:
            took_s = backend.probe(PROBE_TIMEOUT_S)
        except Exception as exc:
            if is_unreachable(exc):
                return Probe(SILENT, error=exc)
            raise
        self.backend = backend
        return Probe(ANSWERED, took_s)

    def _on_probe(self, probe: Probe) -> None:
        self._checking = False
        if probe.outcome == ANSWERED:
            self._misses, self._silent_since = 0, None
            if probe.took_s > SLOW_ANSWER_S:
                self.status.emit(f"The VoxBooth service is slow to answer "
                                 f"({probe.took_s:.1f} s); it is working")
            if self._down and self.backend is not None:
                self._on_ready(self.backend)
            return
        if probe.outcome == EXITED:
            self._say_down("The VoxBooth service stopped; restarting it. Nothing you did is lost.")
            self._restart()
            return
        self._misses += 1
        now_s = time.monotonic()
        if self._silent_since is None:
            self._silent_since = now_s
        what = "restarting it if it stays silent" if self.embedded is not None else "retrying"
        reason = user_message(probe.error) if probe.error is not None else "no answer"
        self._say_down(f"The VoxBooth service is unreachable ({reason}); {what}. "
                       "Nothing you did is lost.")
        if (self.embedded is not None and self._misses >= MISSES_BEFORE_RESTART
                and now_s - self._silent_since >= SILENCE_BEFORE_RESTART_S):
            self._restart()

    def _say_down(self, text: str) -> None:
        self._down = True
        self.unreachable.emit(text)

    def _restart(self) -> None:
        """Restarts the embedded service in a worker (same port and key when it can)."""
        embedded = self.embedded
        if embedded is None:
            return
        self._checking = True  # no health check while it starts again
        self._misses, self._silent_since = 0, None
        self.runner.run(self._restart_embedded, embedded, on_result=self._on_restarted,
                        on_error=self._on_probe_error)

    def _restart_embedded(self, embedded: EmbeddedService) -> StudioBackend:  # worker thread
        embedded.restart()
        if self.backend is not None and self.backend_url_matches():
            return self.backend
        backend = self.backend_factory(embedded.url, embedded.api_key)
        backend.fetch_rules()
        return backend

    def _on_restarted(self, backend: StudioBackend) -> None:
        self._checking = False
        self.status.emit("The embedded service stopped and was restarted")
        self._down = True  # _on_ready clears it and says `restored`
        self._on_ready(backend)

    def backend_url_matches(self) -> bool:
        client = self.backend.client if self.backend is not None else None
        url = str(client.base_url if client is not None else "")
        return self.embedded is not None and (not url or url.rstrip("/") == self.embedded.url)

    def _on_probe_error(self, exc: BaseException) -> None:
        self._checking = False
        what = "restarting it" if self.embedded is not None else "retrying"
        self._say_down(f"The VoxBooth service is unreachable ({user_message(exc)}); "
                       f"{what}. Nothing you did is lost.")

    def report_failure(self, exc: BaseException) -> None:
        """A request failed without an answer: say so now and check (a restart only once the
        service is really gone)."""
        if not self._down:
            self._say_down("The VoxBooth service is not answering; reconnecting. "
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
