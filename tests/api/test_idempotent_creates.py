"""Creates retried by the typed client through a proxy that loses answers, against the real
service: one project, one take, one charge, however many attempts reach the service."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.api.lossy_proxy import Loss, lossy_proxy
from tests.support.server import LiveServer
from voxbooth.api import (
    ConnectionFailed,
    Limits,
    Quote,
    RetryPolicy,
    VoxBoothClient,
    new_idempotency_key,
)
from voxbooth.api.models import Folder

MARCUS = "66780a99-3d85-59fa-896e-f6b3d531fa1e"


def _fast_retries(max_retries: int = 5) -> RetryPolicy:
    return RetryPolicy(max_retries=max_retries, initial_delay_s=0.05, max_delay_s=0.2)


@pytest.fixture(scope="module")
def folder(client: VoxBoothClient) -> Folder:
    return client.folders.create(client.projects.create("Lost answers").id, "Takes")


def _projects_named(client: VoxBoothClient, name: str) -> list[str]:
    return [p.id for p in client.projects.iter() if p.name == name]


def _keys(proxy_posts: list) -> set[str]:  # type: ignore[type-arg]
    return {f.headers["Idempotency-Key"] for f in proxy_posts}


def test_a_create_replayed_after_a_timeout_makes_one_project(
        live_server: LiveServer, client: VoxBoothClient) -> None:
    name = f"Timed out {uuid.uuid4().hex[:6]}"
    loss = Loss("POST", "/api/projects", how="delay", delay_s=2.0)
    with lossy_proxy(live_server.url, loss) as proxy, VoxBoothClient(
            proxy.url, api_key=live_server.api_key, timeout=0.7,
            retry=_fast_retries()) as through:
        project = through.projects.create(name)
    attempts = proxy.posts("/api/projects")
    assert len(attempts) >= 2 and attempts[0].lost
    assert len(_keys(attempts)) == 1  # the same key on every attempt
    assert _projects_named(client, name) == [project.id]


def test_an_upload_whose_answer_is_lost_makes_one_take(
        live_server: LiveServer, client: VoxBoothClient, folder: Folder,
        long_speech_path: Path) -> None:
    label = f"lost {uuid.uuid4().hex[:6]}"
    progress: list[int] = []
    with lossy_proxy(live_server.url, Loss("POST", "/api/recordings")) as proxy, \
            VoxBoothClient(proxy.url, api_key=live_server.api_key,
                           retry=_fast_retries()) as through:
        take = through.recordings.upload(long_speech_path, folder_id=folder.id, label=label,
                                         on_progress=lambda sent, _total: progress.append(sent))
    attempts = proxy.posts("/api/recordings")
    assert [a.lost for a in attempts] == [True, False]
    assert len(_keys(attempts)) == 1
    # the file was streamed whole again (re-opened), not a half-consumed iterator
    assert attempts[0].body_bytes == attempts[1].body_bytes > long_speech_path.stat().st_size
    assert progress.count(long_speech_path.stat().st_size) == 2
    takes = [r for r in client.recordings.iter(folder_id=folder.id) if r.label == label]
    assert [t.id for t in takes] == [take.id]


def test_an_order_whose_answer_is_lost_is_charged_once(
        live_server: LiveServer, client: VoxBoothClient, folder: Folder,
        speech_path: Path) -> None:
    take = client.recordings.upload(speech_path, folder_id=folder.id, label="to convert")
    balance = client.credits.get().credits
    with lossy_proxy(live_server.url, Loss("POST", "/api/v2/orders")) as proxy, \
            VoxBoothClient(proxy.url, api_key=live_server.api_key,
                           retry=_fast_retries()) as through:
        conversions = through.orders.create(take.id, [MARCUS])
    assert len(proxy.posts("/api/v2/orders")) == 2
    assert [c.id for c in client.recordings.conversions(take.id).items] == \
        [c.id for c in conversions]
    assert client.credits.get().credits == balance - 1  # a 3 s take: one credit, once
    client.recordings.delete(conversions[0].id)


def test_a_key_kept_across_a_restart_makes_no_duplicate(
        live_server: LiveServer, client: VoxBoothClient) -> None:
    """The studio's outbox keeps the key with the queued call: a process that died after
    sending, and the one that starts afterwards, make one project between them."""
    name = f"Outbox {uuid.uuid4().hex[:6]}"
    key = new_idempotency_key()
    with lossy_proxy(live_server.url, Loss("POST", "/api/projects")) as proxy, \
            VoxBoothClient(proxy.url, api_key=live_server.api_key, max_retries=0) as first, \
            pytest.raises(ConnectionFailed):
        first.projects.create(name, idempotency_key=key)
    with VoxBoothClient(live_server.url, api_key=live_server.api_key) as after_restart:
        project = after_restart.projects.create(name, idempotency_key=key)
    assert _projects_named(client, name) == [project.id]


def test_each_call_has_its_own_key(live_server: LiveServer) -> None:
    with lossy_proxy(live_server.url) as proxy, VoxBoothClient(
            proxy.url, api_key=live_server.api_key) as through:
        first = through.projects.create("Twice the same name")
        second = through.projects.create("Twice the same name")
    assert first.id != second.id
    assert len(_keys(proxy.posts("/api/projects"))) == 2


def test_a_bad_caller_key_is_refused_before_sending(client: VoxBoothClient) -> None:
    with pytest.raises(ValueError, match="idempotency_key"):
        client.projects.create("x", idempotency_key="x" * 256)


def test_limits_and_quote_are_typed(client: VoxBoothClient, folder: Folder,
                                    speech_path: Path) -> None:
    limits = client.limits.get()
    assert isinstance(limits, Limits)
    assert limits.max_upload_bytes == 50 * 1024 * 1024
    assert limits.calibration.min_duration_s == 10.0 and limits.calibration.min_voiced_s > 0
    assert limits.audio.max_channels >= 2 and "wav" in limits.audio.formats
    take = client.recordings.upload(speech_path, folder_id=folder.id, label="priced")
    balance = client.credits.get().credits
    quote = client.orders.quote(take.id, [MARCUS, MARCUS])
    assert isinstance(quote, Quote)
    assert (quote.credits, quote.per_voice, quote.enough) == (2, 1, True)
    assert quote.balance == balance == client.credits.get().credits
