"""Fixtures shared by every test package: the real service, and real speech to feed it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import blob_store
from tests.support.postgres import postgres_cluster, stop_cluster
from tests.support.server import TRANSCRIBING, LiveServer
from tests.support.speech import arctic_speech_path

__all__ = ["postgres_cluster"]  # the private PostgreSQL cluster, for tests that need it

# Every service the tests start (test servers, workers, the studio's embedded service) inherits
# this: no automatic transcripts, which cost seconds of CPU per take and were a third of the
# suite's background work, unless its module is marked `transcribing` (then its `live_server`
# transcribes) or it passes TRANSCRIBING itself.
os.environ.setdefault("VOXBOOTH_TRANSCRIBE_TAKES", "false")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    stop_cluster()  # started on first use (VOXBOOTH_TEST_DATABASE=postgresql or the fixture)


@pytest.fixture(scope="session")
def speech_path() -> Path:
    """A real human speech recording (CMU ARCTIC a0007, 16 kHz mono, shipped by pysptk)."""
    return arctic_speech_path()


@pytest.fixture(scope="module")
def live_server(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real `voxbooth serve` on loopback for one test module, stopped by PID afterwards."""
    transcribing = request.node.get_closest_marker("transcribing") is not None
    server = LiveServer(data_dir=tmp_path_factory.mktemp("service") / "data",
                        extra_env=TRANSCRIBING if transcribing else {}).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session", autouse=True)
def _tests_blob_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """With VOXBOOTH_TEST_BLOB_STORE=s3, one moto S3 server for the session (stopped by PID)
    that every LiveServer stores its blobs in."""
    if not blob_store.on_s3():
        yield
        return
    from tests.support.s3 import MotoServer

    moto = MotoServer(tmp_path_factory.mktemp("moto") / "moto.log").start()
    os.environ[blob_store.ENDPOINT] = moto.url
    try:
        yield
    finally:
        os.environ.pop(blob_store.ENDPOINT, None)
        moto.stop()
