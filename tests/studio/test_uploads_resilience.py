"""Dropped files survive the service going away: against a real service on loopback that is
stopped and started again on the same data dir and port, an upload waits instead of failing,
completes by itself once the service is back, and is never sent twice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.studio.helpers import open_new_folder, running_window
from tests.support.server import LiveServer
from voxbooth.api.errors import (
    Cancelled,
    ConnectionFailed,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServerError,
    Timeout,
    Unprocessable,
)
from voxbooth.studio.assembly import Studio
from voxbooth.studio.outbox.policy import (
    CANCELLED,
    FAIL,
    MAX_RETRY_S,
    MAX_SERVER_FAILURES,
    WAIT,
    WAITING_TEXT,
    fate,
    retry_delay_s,
)
from voxbooth.studio.service.backend import StudioBackend

BACK_WITHIN_MS = 60_000  # service start-up plus a few growing pauses between health checks


class UploadLog:
    """What the upload rows are told, in order."""

    def __init__(self, window: Studio) -> None:
        self.added: list[int] = []
        self.waiting: list[tuple[int, str]] = []
        self.done: list[tuple[int, bool, str]] = []
        uploads = window.outbox
        uploads.job_added.connect(lambda job, _name, _size: self.added.append(job))
        uploads.job_waiting.connect(lambda job, text: self.waiting.append((job, text)))
        uploads.job_done.connect(lambda job, ok, text: self.done.append((job, ok, text)))


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """This module's own service: its tests stop it, which others must not see."""
    server = LiveServer(data_dir=tmp_path_factory.mktemp("outage") / "data").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, service: LiveServer) -> Iterator[Studio]:
    if service.proc is None or service.proc.poll() is not None:
        service.start()  # an earlier test left it down
    with running_window(qtbot, tmp_path, service) as w:
        yield w


def takes_on_service(service: LiveServer, folder_id: str) -> list[str]:
    backend = StudioBackend.connect(service.url, service.api_key)
    try:
        return [t.label for t in backend.list_takes(folder_id)]
    finally:
        backend.close()


# -- the rules, without Qt or a service ---------------------------------------------------------
@pytest.mark.parametrize("exc", [ConnectionFailed("refused"), Timeout("slow"),
                                 ServerError(status=503, detail="restarting")])
def test_an_upload_the_service_could_not_receive_waits(exc: BaseException) -> None:
    assert fate(exc) == WAIT


@pytest.mark.parametrize("exc", [Unprocessable(status=422, detail="not audio"),
                                 PayloadTooLarge(status=413, detail="over 50 MB"),
                                 NotFound(status=404, detail="Folder not found")])
def test_an_upload_the_service_refused_fails_at_once(exc: BaseException) -> None:
    assert fate(exc) == FAIL


def test_a_service_failing_one_upload_again_and_again_ends_the_wait() -> None:
    busy = RateLimited(status=429, detail="busy")
    broken = ServerError(status=500, detail="bug")
    assert fate(busy, 0) == WAIT and fate(broken, MAX_SERVER_FAILURES - 2) == WAIT
    assert fate(broken, MAX_SERVER_FAILURES - 1) == FAIL
    assert fate(ConnectionFailed("down"), 100) == WAIT  # an outage never ends it
    assert fate(Cancelled("by you")) == CANCELLED


def test_health_checks_back_off_to_a_ceiling() -> None:
    delays = [retry_delay_s(n) for n in range(10)]
    assert delays == sorted(delays) and delays[0] >= 1.0 and delays[-1] == MAX_RETRY_S


# -- against the real service ---------------------------------------------------------------------
def test_an_upload_during_an_outage_waits_then_completes_once(
        qtbot: QtBot, window: Studio, service: LiveServer, speech_path: Path) -> None:
    folder_id = open_new_folder(window, qtbot, "Outage", "Takes")
    log = UploadLog(window)
    service.stop()
    window.outbox.add([speech_path], folder_id)
    qtbot.waitUntil(lambda: bool(log.waiting), timeout=BACK_WITHIN_MS)
    [job] = log.added
    assert log.waiting == [(job, WAITING_TEXT)] and log.done == []
    row = window.upload_panel.rows[job]
    assert row.isVisible() and row.cancel.isEnabled()  # not failed: it can still be cancelled
    assert row.bar.format() == WAITING_TEXT  # the row says why it waits
    qtbot.waitUntil(window.banner.isVisible, timeout=BACK_WITHIN_MS)
    assert "Nothing you did is lost" in window.banner.label.text()

    service.start()
    qtbot.waitUntil(lambda: bool(log.done), timeout=BACK_WITHIN_MS)
    assert log.done == [(job, True, "arctic_a0007: uploaded")]
    assert log.waiting[-1] == (job, "")  # the row went back to showing its progress
    assert row.bar.format() == "done"
    assert [t.label for t in window.takes.takes()] == ["arctic_a0007"]
    assert takes_on_service(service, folder_id) == ["arctic_a0007"]
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=BACK_WITHIN_MS)
    window.browser.reload_takes()
    qtbot.wait(500)  # the list is read again
    qtbot.waitUntil(lambda: not window.takes.loading, timeout=BACK_WITHIN_MS)
    assert [t.label for t in window.takes.takes()] == ["arctic_a0007"]


def test_a_waiting_upload_can_be_cancelled_and_is_never_sent(
        qtbot: QtBot, window: Studio, service: LiveServer, speech_path: Path) -> None:
    folder_id = open_new_folder(window, qtbot, "Cancelled", "Takes")
    log = UploadLog(window)
    service.stop()
    window.outbox.add([speech_path], folder_id)
    qtbot.waitUntil(lambda: bool(log.waiting), timeout=BACK_WITHIN_MS)
    [job] = log.added
    window.upload_panel.rows[job].cancel.click()
    qtbot.waitUntil(lambda: bool(log.done), timeout=BACK_WITHIN_MS)
    assert log.done == [(job, False, "cancelled")]
    assert window.upload_panel.rows[job].bar.format() == "cancelled"
    assert window.outbox.active == 0

    service.start()
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=BACK_WITHIN_MS)
    qtbot.wait(3000)  # more than the next health check of a waiting upload would take
    assert takes_on_service(service, folder_id) == []
    assert window.takes.rowCount() == 0 and log.done == [(job, False, "cancelled")]


def test_an_upload_the_service_refuses_fails_at_once_with_its_detail(
        qtbot: QtBot, window: Studio, speech_path: Path) -> None:
    folder_id = open_new_folder(window, qtbot, "Refused", "Takes")
    backend = window.requests.backend
    assert backend is not None
    backend.delete_folder(folder_id)  # removed from another device meanwhile
    log = UploadLog(window)
    window.outbox.add([speech_path], folder_id)
    qtbot.waitUntil(lambda: bool(log.done), timeout=BACK_WITHIN_MS)
    [job] = log.added
    assert log.waiting == []
    [(_job, ok, message)] = log.done
    assert not ok and message.startswith(NotFound.summary) and "Folder" in message
    assert window.upload_panel.rows[job].bar.format() == message[:60]
    assert window.outbox.active == 0


def test_an_upload_kept_by_the_service_whose_answer_was_lost_is_not_sent_again(
        qtbot: QtBot, window: Studio, service: LiveServer, speech_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder_id = open_new_folder(window, qtbot, "Lost answer", "Takes")
    backend = window.requests.backend
    assert backend is not None
    real_upload = backend.upload
    sent: list[Path] = []

    def answer_lost(path: Path, folder: str, **kwargs: object) -> object:
        sent.append(path)
        take = real_upload(path, folder, **kwargs)  # type: ignore[arg-type]
        if len(sent) == 1:  # stored, but the connection broke before the answer came back
            raise ConnectionFailed("connection reset after the body was sent")
        return take

    monkeypatch.setattr(backend, "upload", answer_lost)
    log = UploadLog(window)
    window.outbox.add([speech_path], folder_id)
    qtbot.waitUntil(lambda: bool(log.done), timeout=BACK_WITHIN_MS)
    [job] = log.added
    assert log.waiting[0] == (job, WAITING_TEXT)  # then resumed once the service answered
    assert log.done == [(job, True, "arctic_a0007: uploaded")]
    assert sent == [speech_path]  # the second attempt found the first one's take
    assert takes_on_service(service, folder_id) == ["arctic_a0007"]
    assert [t.label for t in window.takes.takes()] == ["arctic_a0007"]
