"""Which blob store the tests' services use, and store-agnostic looks at what they keep.

`VOXBOOTH_TEST_BLOB_STORE=s3` runs every `LiveServer` on the S3 store: the session starts one
moto server (tests/conftest.py) and each data dir gets its own prefix in one bucket. Without
it, services keep blobs as files under `DATA_DIR/blobs`. Tests that look at stored blobs use the
helpers here, so the same assertion holds on both stores.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SWITCH = "VOXBOOTH_TEST_BLOB_STORE"
ENDPOINT = "VOXBOOTH_TEST_S3_ENDPOINT"  # set by the session fixture that starts moto
BUCKET = "voxbooth-tests"
ACCESS_KEY_ID = "voxbooth-test"
SECRET_ACCESS_KEY = "voxbooth-test-secret"
REGION = "us-east-1"


def on_s3() -> bool:
    return os.environ.get(SWITCH, "file") == "s3"


def _prefix(data_dir: Path) -> str:
    return hashlib.sha1(str(data_dir.resolve()).encode()).hexdigest()[:16] + "/"


def service_env(data_dir: Path) -> dict[str, str]:
    """The environment that puts a service on `data_dir` on the tests' store ({} for files)."""
    if not on_s3():
        return {}
    return {"VOXBOOTH_BLOB_STORE": "s3", "VOXBOOTH_S3_BUCKET": BUCKET,
            "VOXBOOTH_S3_ENDPOINT_URL": os.environ[ENDPOINT], "VOXBOOTH_S3_REGION": REGION,
            "VOXBOOTH_S3_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "VOXBOOTH_S3_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "VOXBOOTH_S3_PREFIX": _prefix(data_dir), "VOXBOOTH_S3_CREATE_BUCKET": "1"}


def _client() -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=os.environ[ENDPOINT], region_name=REGION,
                        aws_access_key_id=ACCESS_KEY_ID, aws_secret_access_key=SECRET_ACCESS_KEY)


def blob_keys(data_dir: Path) -> set[str]:
    """Every key the service on `data_dir` has stored."""
    if not on_s3():
        root = data_dir / "blobs"
        return {f"{p.parent.name}/{p.name}" for p in root.glob("??/*") if p.is_file()}
    prefix = _prefix(data_dir)
    pages = _client().get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return {item["Key"][len(prefix):] for page in pages for item in page.get("Contents", [])}


def read_blob(data_dir: Path, key: str) -> bytes:
    if not on_s3():
        return (data_dir / "blobs" / key).read_bytes()
    reply = _client().get_object(Bucket=BUCKET, Key=_prefix(data_dir) + key)
    return bytes(reply["Body"].read())


def blob_exists(data_dir: Path, key: str) -> bool:
    return key in blob_keys(data_dir)


def remove_blob(data_dir: Path, key: str) -> None:
    """Loses a blob behind the service's back (for tests of lost audio)."""
    if not on_s3():
        (data_dir / "blobs" / key).unlink()
    else:
        _client().delete_object(Bucket=BUCKET, Key=_prefix(data_dir) + key)


def write_blob(data_dir: Path, key: str, data: bytes) -> None:
    """Puts `data` under `key` behind the service's back (lost or damaged audio)."""
    if not on_s3():
        (data_dir / "blobs" / key).write_bytes(data)
    else:
        _client().put_object(Bucket=BUCKET, Key=_prefix(data_dir) + key, Body=data)


@contextlib.contextmanager
def blob_set_aside(data_dir: Path, key: str) -> Iterator[None]:
    """The blob is missing from the store inside the block and back afterwards."""
    kept = read_blob(data_dir, key)
    remove_blob(data_dir, key)
    try:
        yield
    finally:
        write_blob(data_dir, key, kept)
