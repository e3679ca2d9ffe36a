"""A recorded take goes to the service through the outbox, whatever the way does to it: against
the real service behind a real proxy that answers 503, then 429, or loses the answer of an upload
the service kept - more often than the client's own retries cover, so the outbox's policy takes
over - the desk's take ends up on the service exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import soundfile as sf
from pytestqt.qtbot import QtBot

from tests.studio.helpers import InlineThreadPool
from tests.support.fault_proxy import LOST, Fault, fault_proxy
from tests.support.server import LiveServer
from voxbooth.studio.desk.controller import DeskController
from voxbooth.studio.entities import TakeInfo
from voxbooth.studio.outbox.outbox import Outbox
from voxbooth.studio.outbox.policy import WAITING_TEXT
from voxbooth.studio.outbox.store import RECORDING, OutboxEntry, OutboxStore
from voxbooth.studio.service.backend import StudioBackend
from voxbooth.studio.service.requests import Requests
from voxbooth.studio.service.workers import TaskRunner

UPLOADED_WITHIN_MS = 30_000  # two health checks with their pauses (1 s, then Retry-After 1 s)


class DeskOnService:
    """A desk (no microphone) whose outbox talks to `url`; records what the artist would see."""

    def __init__(self, takes: Path, url: str, api_key: str, folder_id: str) -> None:
        runner = TaskRunner(InlineThreadPool())
        self.backend = StudioBackend.connect(url, api_key)
        requests = Requests(runner)
        requests.set_backend(self.backend)
        self.store = OutboxStore(takes)
        self.outbox = Outbox(requests, self.store, lambda: folder_id, runner, InlineThreadPool())
        self.desk = DeskController(runner, self.store, self.outbox, lambda: folder_id)
        self.uploaded: list[TakeInfo] = []
        self.waiting: list[str] = []
        self.done: list[tuple[bool, str]] = []
        self.outbox.uploaded.connect(self.uploaded.append)
        self.outbox.job_waiting.connect(lambda _job, text: self.waiting.append(text))
        self.outbox.job_done.connect(lambda _job, ok, text: self.done.append((ok, text)))
        self.desk.recover()  # reads the (empty) queue and starts the outbox

    def record(self, take: Path, label: str, folder_id: str) -> None:
        """What the desk does from R to Space: an entry as the take starts, then its check."""
        self.store.put(OutboxEntry(str(take), folder_id, label, RECORDING))
        self.desk.check(str(take))

    def close(self) -> None:
        self.outbox.stop()
        self.store.flush()
        self.backend.close()


@pytest.fixture
def folder_id(live_server: LiveServer) -> Iterator[str]:
    backend = StudioBackend.connect(live_server.url, live_server.api_key)
    try:
        project = backend.create_project("Outbox")
        yield backend.create_folder(project.id, "Takes", None).id
    finally:
        backend.close()


def recorded_take(tmp_path: Path, speech_path: Path) -> Path:
    take = tmp_path / "takes" / "20261121-120000 L01 take 1.wav"
    take.parent.mkdir(parents=True, exist_ok=True)
    data, rate = sf.read(speech_path, dtype="float32")
    sf.write(take, data, rate)
    return take


def labels_on_service(server: LiveServer, folder_id: str) -> list[str]:
    backend = StudioBackend.connect(server.url, server.api_key)
    try:
        return [t.label for t in backend.list_takes(folder_id) if not t.is_conversion]
    finally:
        backend.close()


def test_a_take_meeting_5xx_then_429_uploads_once_when_the_service_recovers(
        qtbot: QtBot, tmp_path: Path, live_server: LiveServer, speech_path: Path,
        folder_id: str) -> None:
    take = recorded_take(tmp_path, speech_path)
    # the client itself retries a keyed create twice; more than that and the outbox waits
    script = [Fault(503), Fault(429, {"Retry-After": "1"}), Fault(503),
              Fault(429, {"Retry-After": "1"})]
    with fault_proxy(live_server.url, "POST", "/api/recordings", script) as proxy:
        desk = DeskOnService(take.parent, proxy.url, live_server.api_key, folder_id)
        try:
            desk.record(take, "L01 take 1", folder_id)
            # the 503: it waits, it is not failed
            qtbot.waitUntil(lambda: bool(desk.waiting or desk.done), timeout=10_000)
            assert desk.waiting[:1] == [WAITING_TEXT]
            qtbot.waitUntil(lambda: bool(desk.done), timeout=UPLOADED_WITHIN_MS)
        finally:
            desk.close()
    assert proxy.aimed == [503, 429, 503, 429, "pass"]
    assert desk.done == [(True, "L01 take 1: uploaded")]
    assert [t.label for t in desk.uploaded] == ["L01 take 1"]
    assert labels_on_service(live_server, folder_id) == ["L01 take 1"]
    assert desk.store.entries == []  # it left the queue once the service had it
    assert take.exists()  # the desk's file is kept


def test_a_take_whose_answer_was_lost_is_on_the_service_once(
        qtbot: QtBot, tmp_path: Path, live_server: LiveServer, speech_path: Path,
        folder_id: str) -> None:
    take = recorded_take(tmp_path, speech_path)
    lost = [Fault(LOST)] * 3  # the client's own retries (same key) are lost too
    with fault_proxy(live_server.url, "POST", "/api/recordings", lost) as proxy:
        desk = DeskOnService(take.parent, proxy.url, live_server.api_key, folder_id)
        try:
            desk.record(take, "L01 take 1", folder_id)
            qtbot.waitUntil(lambda: bool(desk.waiting or desk.done), timeout=10_000)
            assert desk.waiting[:1] == [WAITING_TEXT]  # no answer came: it waits
            qtbot.waitUntil(lambda: bool(desk.done), timeout=UPLOADED_WITHIN_MS)
        finally:
            desk.close()
    assert proxy.aimed[:3] == [LOST, LOST, LOST]
    assert desk.done == [(True, "L01 take 1: uploaded")]
    assert labels_on_service(live_server, folder_id) == ["L01 take 1"]
    assert desk.store.entries == []


def test_a_take_cut_off_by_a_kill_is_looked_for_before_it_is_sent_again(
        qtbot: QtBot, tmp_path: Path, live_server: LiveServer, speech_path: Path,
        folder_id: str) -> None:
    """The studio died while the take was on the wire and the service kept it: the next
    start finds it there instead of making a second one."""
    take = recorded_take(tmp_path, speech_path)
    backend = StudioBackend.connect(live_server.url, live_server.api_key)
    try:
        backend.upload(take, folder_id, label="L01 take 1")  # what the lost attempt stored
    finally:
        backend.close()
    store = OutboxStore.open_blocking(take.parent)
    store.put(OutboxEntry(str(take), folder_id, "L01 take 1", "uploading",
                          attempt_started_unix_s=take.stat().st_mtime))
    store.flush()
    desk = DeskOnService(take.parent, live_server.url, live_server.api_key, folder_id)
    try:
        qtbot.waitUntil(lambda: bool(desk.done), timeout=UPLOADED_WITHIN_MS)
    finally:
        desk.close()
    assert desk.done == [(True, "L01 take 1: uploaded")]
    assert labels_on_service(live_server, folder_id) == ["L01 take 1"]


def test_a_server_with_a_20_mb_limit_has_a_30_mb_drop_refused_before_sending(
        qtbot: QtBot, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The limit is the service's (asked of it at connect), not a copy in the studio."""
    import importlib.util

    if importlib.util.find_spec("voxbooth.api.resources.limits") is None:
        pytest.skip("the client has no GET /api/limits yet (branch idem)")
    from tests.studio.helpers import inline_window, open_new_folder

    server = LiveServer(data_dir=tmp_path_factory.mktemp("small") / "data",
                        extra_env={"VOXBOOTH_MAX_UPLOAD_BYTES": str(20 * 2**20)}).start()
    try:
        with fault_proxy(server.url, "POST", "/api/recordings", []) as proxy:
            studio = inline_window(tmp_path, proxy.url, server.api_key)
            qtbot.addWidget(studio.window)
            try:
                studio.window.show()
                studio.context.connection.start()
                qtbot.waitUntil(lambda: studio.requests.rules is not None, timeout=10_000)
                assert studio.requests.rules.max_upload_bytes == 20 * 2**20
                folder_id = open_new_folder(studio, qtbot, "Small server", "Takes")
                big = tmp_path / "thirty.wav"
                with big.open("wb") as f:
                    f.truncate(30 * 2**20)  # sparse: costs no disk
                refused: list[str] = []
                studio.outbox.refused.connect(refused.append)
                studio.outbox.add([big], folder_id)
                qtbot.waitUntil(lambda: bool(refused), timeout=10_000)
                assert "thirty.wav" in refused[0] and "20 MB" in refused[0]
                assert proxy.aimed == []  # not a byte of it was sent
            finally:
                studio.window.close()
                studio.context.connection.stop()
    finally:
        server.stop()
