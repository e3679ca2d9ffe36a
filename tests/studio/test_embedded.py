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
