"""What every blob store promises, run against the file store and the S3 store.

The S3 store talks to moto's standalone S3 server on loopback (no real S3 server can be
installed here); the same boto3 calls reach MinIO, Ceph RGW, AWS S3 or R2.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.s3 import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY, MotoServer
from voxbooth.server.blobs import (
    BlobNotFound,
    BlobStore,
    BlobStoreUnavailable,
    FileBlobStore,
    open_storage,
)
from voxbooth.server.blobs_s3 import S3BlobStore
from voxbooth.server.scratch import LOCK_NAME, Scratch
from voxbooth.server.settings import Settings

MB = 1024 * 1024


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    server = MotoServer(tmp_path_factory.mktemp("moto") / "moto.log").start()
    try:
        yield server
    finally:
        server.stop()


def _s3_settings(moto: MotoServer, data_dir: Path, bucket: str, **extra: object) -> Settings:
    return Settings(data_dir=data_dir, blob_store="s3", s3_bucket=bucket,
                    s3_endpoint_url=moto.url, s3_region=REGION,
                    s3_access_key_id=ACCESS_KEY_ID,
                    s3_secret_access_key=SECRET_ACCESS_KEY, **extra)  # type: ignore[arg-type]


@pytest.fixture(params=["file", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BlobStore]:
    scratch = Scratch(tmp_path / "tmp")
    made: BlobStore
    if request.param == "file":
        made = FileBlobStore(tmp_path / "blobs", scratch)
    else:
        moto: MotoServer = request.getfixturevalue("moto")
        made = S3BlobStore.from_settings(
            _s3_settings(moto, tmp_path, moto.new_bucket(), s3_prefix="team-a/"), scratch)
    try:
        yield made
    finally:
        made.close()
        scratch.close()


def _scratch_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != LOCK_NAME)


def test_round_trip_put_get_stream_copy_delete(store: BlobStore, tmp_path: Path) -> None:
    payload = os.urandom(700_000)
    src = tmp_path / "take.wav"
    src.write_bytes(payload)
    from_file = store.put_file(src)
    from_stream = store.put_stream(io.BytesIO(payload))
    from_bytes = store.put_bytes(payload[:1000])
    assert len({from_file, from_stream, from_bytes}) == 3 and src.exists()
    for key, expected in ((from_file, payload), (from_stream, payload),
                          (from_bytes, payload[:1000])):
        assert store.exists(key) and store.size(key) == len(expected)
        with store.open(key) as stream:
            pieces = iter(lambda: stream.read(65536), b"")
            assert b"".join(pieces) == expected
        with store.local_copy(key) as local:
            assert local.read_bytes() == expected
    assert _scratch_files(tmp_path / "tmp") == []  # local copies went with their blocks
    store.delete(from_file)
    store.delete(from_file)  # idempotent
    assert not store.exists(from_file)
    assert store.exists(from_stream)


@pytest.mark.parametrize("key", ["ab/" + "0" * 32, "../outside", "ab/../../x", ""])
def test_a_missing_key_is_not_found_everywhere(store: BlobStore, key: str) -> None:
    assert not store.exists(key)
    with pytest.raises(BlobNotFound):
        store.open(key)
    with pytest.raises(BlobNotFound):
        store.size(key)
    with pytest.raises(BlobNotFound), store.local_copy(key):
        pass
    store.delete(key)


def test_a_local_copy_goes_even_when_the_reader_fails(store: BlobStore, tmp_path: Path) -> None:
    key = store.put_bytes(b"RIFF....WAVE")
    with pytest.raises(ValueError), store.local_copy(key) as local:
        assert local.exists()
        raise ValueError("codec refused it")
    assert _scratch_files(tmp_path / "tmp") == []
    assert store.exists(key)


def test_large_put_goes_up_in_parts(moto: MotoServer, tmp_path: Path) -> None:
    scratch = Scratch(tmp_path / "tmp")
    bucket = moto.new_bucket()
    store = S3BlobStore.from_settings(
        _s3_settings(moto, tmp_path, bucket, s3_multipart_threshold_mb=5,
                     s3_multipart_chunk_mb=5), scratch)
    src = tmp_path / "long-take.wav"
    with src.open("wb") as out:
        for _ in range(13):
            out.write(os.urandom(MB))
    key = store.put_file(src)
    head = moto.client().head_object(Bucket=bucket, Key=key)
    assert head["ContentLength"] == 13 * MB
    assert head["ETag"].strip('"').endswith("-3")  # a multipart upload of three parts
    streamed = store.put_stream(src.open("rb"))
    assert moto.client().head_object(Bucket=bucket, Key=streamed)["ETag"].strip('"') \
        .endswith("-3")
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    with store.open(streamed) as stream:
        assert hashlib.file_digest(stream, "sha256").hexdigest() == digest
    with store.local_copy(key) as local:
        assert hashlib.sha256(local.read_bytes()).hexdigest() == digest
    assert store.keys() == sorted([key, streamed])
    store.close()
    scratch.close()


def test_a_wrong_bucket_stops_the_start_with_a_clear_message(moto: MotoServer,
                                                             tmp_path: Path) -> None:
    with pytest.raises(BlobStoreUnavailable, match="no-such-bucket"):
        open_storage(_s3_settings(moto, tmp_path / "data", "no-such-bucket"))
    # and the start that failed took its scratch folder with it
    assert _scratch_files(tmp_path / "data" / "tmp") == []
    assert [p for p in (tmp_path / "data" / "tmp").iterdir()] == []
    storage = open_storage(_s3_settings(moto, tmp_path / "data", "made-on-start",
                                        s3_create_bucket=True))
    key = storage.blobs.put_bytes(b"x")
    assert storage.blobs.exists(key)
    storage.close()


def test_an_unreachable_endpoint_is_unavailable_not_missing(tmp_path: Path) -> None:
    scratch = Scratch(tmp_path / "tmp")
    settings = Settings(data_dir=tmp_path, blob_store="s3", s3_bucket="b",
                        s3_endpoint_url="http://127.0.0.1:9", s3_region=REGION,
                        s3_access_key_id="x", s3_secret_access_key="y")  # type: ignore[arg-type]
    store = S3BlobStore.from_settings(settings, scratch)
    with pytest.raises(BlobStoreUnavailable):
        store.exists("ab/" + "0" * 32)
    store.close()
    scratch.close()
