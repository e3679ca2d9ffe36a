"""The file blob store: opaque keys, atomic writes, idempotent deletes, temporaries per process.
(What every store promises, S3 included, is in test_blob_stores.py.)"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from voxbooth.server import scratch as scratch_files
from voxbooth.server.blobs import BlobNotFound, BlobStore, FileBlobStore
from voxbooth.server.scratch import LOCK_NAME, Scratch


def test_put_open_size_delete(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path / "blobs")
    assert isinstance(store, BlobStore)
    payload = os.urandom(300_000)
    src = tmp_path / "../../etc/passwd.wav".replace("/", "_")
    src.write_bytes(payload)
    key = store.put_file(src)
    assert re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{32}", key)
    assert "passwd" not in key and src.exists()  # the caller keeps its file
    assert store.exists(key) and store.size(key) == len(payload)
    with store.open(key) as blob:
        assert blob.read() == payload
    assert store.local_path(key) == tmp_path / "blobs" / key
    with store.local_copy(key) as local:
        assert local.read_bytes() == payload
    store.delete(key)
    store.delete(key)  # idempotent
    assert not store.exists(key)
    with pytest.raises(BlobNotFound):
        store.open(key)


def test_keys_are_unique_and_listed(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path)
    keys = {store.put_bytes(b"x") for _ in range(20)}
    assert len(keys) == 20
    assert sorted(keys) == store.keys()


@pytest.mark.parametrize("key", ["../outside", "ab/../../x", "/etc/passwd", "ab/cd", ""])
def test_malformed_keys_never_leave_the_store(tmp_path: Path, key: str) -> None:
    store = FileBlobStore(tmp_path / "blobs")
    (tmp_path / "outside").write_bytes(b"secret")
    assert not store.exists(key)
    with pytest.raises(BlobNotFound):
        store.open(key)
    store.delete(key)
    assert (tmp_path / "outside").exists()


def test_a_failed_write_leaves_nothing_visible(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path / "blobs")
    with pytest.raises(FileNotFoundError):
        store.put_file(tmp_path / "missing.wav")
    assert store.keys() == []
    assert temporaries(tmp_path / "blobs" / ".tmp") == []


def test_sweep_removes_a_dead_process_temporaries_only(tmp_path: Path) -> None:
    dead = Scratch(tmp_path / ".tmp")
    (dead.dir / "put-123.part").write_bytes(b"half")
    os.close(dead._lock_fd or -1)  # what the kernel does when the process is killed
    dead._lock_fd = None
    scratch_files._held.discard(dead.dir.resolve())
    store = FileBlobStore(tmp_path)  # a live process with a put under way
    with store._scratch.file("put-", ".part") as in_flight:
        fresh_loose = tmp_path / ".tmp" / "put-456.part"  # an older version's, maybe live
        fresh_loose.write_bytes(b"half")
        stale_loose = tmp_path / ".tmp" / "put-789.part"
        stale_loose.write_bytes(b"half")
        day_ago = time.time() - 25 * 3600
        os.utime(stale_loose, (day_ago, day_ago))
        assert store.sweep_temporaries() == 2
        assert not dead.dir.exists() and not stale_loose.exists()
        assert in_flight.exists() and fresh_loose.exists()
    assert store.keys() == []
    store.close()


def temporaries(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != LOCK_NAME)
