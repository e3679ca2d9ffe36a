"""The embedded service: started on loopback with a fresh key, restarted when it dies, stopped
by its PID."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from voxbooth.studio.embedded import EmbeddedService


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

    from voxbooth.studio.connection import ServiceConnection
    from voxbooth.studio.settings import EMBEDDED, ServerChoice, StudioSettings
    from voxbooth.studio.workers import InlineThreadPool, TaskRunner

    settings = StudioSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    settings.set_server(ServerChoice(mode=EMBEDDED, data_dir=tmp_path / "data"))
    connection = ServiceConnection(TaskRunner(InlineThreadPool()), settings)
    banners: list[str] = []
    restored: list[bool] = []
    connection.unreachable.connect(banners.append)
    connection.restored.connect(lambda: restored.append(True))
    try:
        connection.start()
        assert connection.is_up and connection.backend is not None
        project = connection.backend.create_project("Survives a crash")
        assert connection.embedded is not None and connection.embedded.proc is not None
        connection.embedded.proc.kill()  # the service crashes
        connection.embedded.proc.wait()
        connection.report_failure(ConnectionError("no answer"))  # what a failed request does
        assert banners and "Nothing you did is lost" in banners[0]
        assert restored and connection.is_up and connection.embedded.restarts == 1
        assert [p.id for p in connection.backend.list_projects()] == [project.id]
    finally:
        connection.stop()
    assert not connection.embedded.is_running()
