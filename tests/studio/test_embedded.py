"""The embedded service: started on loopback with a fresh key, restarted when it dies, stopped
by its PID."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from voxbooth.studio.service.embedded import EmbeddedService


@pytest.mark.slow
def test_embedded_service_starts_restarts_and_stops(tmp_path: Path) -> None:
    service = EmbeddedService(tmp_path / "data")
    service.start()
    try:
        service.wait_until_healthy(timeout_s=60)
        headers = {"api-key": service.api_key}
        assert httpx.get(service.url + "/api/projects", headers=headers).status_code == 200
        assert httpx.get(service.url + "/api/projects").status_code == 401  # the key matters
        assert service.proc is not None
        first_pid = service.proc.pid
        service.proc.kill()
        service.proc.wait()
        assert not service.is_running() and not service.is_healthy()
        service.restart(timeout_s=60)
        assert service.proc.pid != first_pid and service.restarts == 1
        assert httpx.get(service.url + "/api/projects", headers=headers).status_code == 200
    finally:
        service.stop()
    assert not service.is_running()
    assert service.proc.returncode is not None


@pytest.mark.slow
def test_connection_restarts_a_crashed_embedded_service(qtbot, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from tests.studio.helpers import InlineThreadPool
    from voxbooth.studio.service.connection import ServiceConnection
    from voxbooth.studio.service.workers import TaskRunner
    from voxbooth.studio.settings import EMBEDDED, ServerChoice, StudioSettings

    settings = StudioSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    settings.set_server(ServerChoice(mode=EMBEDDED, data_dir=tmp_path / "data"))
    connection = ServiceConnection(TaskRunner(InlineThreadPool()), settings)
    banners: list[str] = []
    restored: list[bool] = []
    connection.unreachable.connect(banners.append)
    connection.restored.connect(lambda: restored.append(True))
    try:
        connection.start()
        qtbot.waitUntil(lambda: connection.is_up, timeout=60_000)
        assert connection.backend is not None
        project = connection.backend.create_project("Survives a crash")
        assert connection.embedded is not None and connection.embedded.proc is not None
        connection.embedded.proc.kill()  # the service crashes
        connection.embedded.proc.wait()
        connection.report_failure(ConnectionError("no answer"))  # what a failed request does
        assert banners and "Nothing you did is lost" in banners[0]
        qtbot.waitUntil(lambda: bool(restored), timeout=60_000)
        assert connection.is_up and connection.embedded.restarts == 1
        assert [p.id for p in connection.backend.list_projects()] == [project.id]
    finally:
        connection.stop()
    assert not connection.embedded.is_running()


@pytest.mark.slow
def test_a_slow_health_answer_is_slowness_not_a_restart(qtbot, tmp_path: Path) -> None:
    """A loaded machine: every health check takes 3 s for longer than the 15 s of silence that
    would restart a service that is gone. The studio says it is slow and restarts nothing."""
    from PySide6.QtCore import QSettings

    from tests.studio.helpers import InlineThreadPool
    from tests.support.fault_proxy import Fault, fault_proxy
    from voxbooth.studio.service.backend import StudioBackend
    from voxbooth.studio.service.connection import SILENCE_BEFORE_RESTART_S, ServiceConnection
    from voxbooth.studio.service.embedded import EmbeddedService
    from voxbooth.studio.service.workers import TaskRunner
    from voxbooth.studio.settings import EMBEDDED, ServerChoice, StudioSettings

    settings = StudioSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    settings.set_server(ServerChoice(mode=EMBEDDED, data_dir=tmp_path / "data"))
    embedded = EmbeddedService(tmp_path / "data")
    slow = [Fault(delay_s=3.0) for _ in range(20)]
    with fault_proxy(embedded.url, "GET", "/api/health", slow) as proxy:
        connection = ServiceConnection(
            TaskRunner(InlineThreadPool()), settings,
            backend_factory=lambda _url, key: StudioBackend.connect(proxy.url, key))
        connection.embedded = embedded
        banners: list[str] = []
        statuses: list[str] = []
        connection.unreachable.connect(banners.append)
        connection.status.connect(statuses.append)
        try:
            connection.start()
            qtbot.waitUntil(lambda: connection.is_up, timeout=60_000)
            assert embedded.proc is not None
            first_pid = embedded.proc.pid
            started_s = time.monotonic()
            while time.monotonic() - started_s < SILENCE_BEFORE_RESTART_S + 3:
                connection.check_now()  # what the health timer does every 2 s
                qtbot.wait(10)  # its answer arrives through the event loop
            assert embedded.restarts == 0 and embedded.proc.pid == first_pid
            assert embedded.is_running() and connection.is_up
            assert banners == []  # no red banner: nothing is wrong but the pace
            assert any("slow to answer" in s for s in statuses)
            assert len(proxy.aimed) >= 6
        finally:
            connection.stop()
    assert not embedded.is_running()
