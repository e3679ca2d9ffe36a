"""The file blob store: opaque keys, atomic writes, idempotent deletes."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from voxbooth.server.blobs import BlobNotFound, BlobStore, FileBlobStore


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
    assert store.path(key) == tmp_path / "blobs" / key
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
    assert list((tmp_path / "blobs" / ".tmp").iterdir()) == []


def test_sweep_removes_temporaries_of_a_crash(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path)
    (tmp_path / ".tmp" / "put-123.part").write_bytes(b"half")
    assert store.sweep_temporaries() == 1
    assert store.keys() == []
