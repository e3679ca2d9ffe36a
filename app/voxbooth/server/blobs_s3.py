"""An S3-compatible blob store (AWS S3, MinIO, Ceph RGW, Cloudflare R2) through boto3.

Puts above the multipart threshold go up in parts, several at a time (boto3's managed transfer,
which aborts the upload if a part fails); a completed upload appears at once, whole, so readers
never see half a blob. Reads stream the object's body; `local_copy` downloads into the process's
scratch folder and removes the copy when the block ends. Tested against moto's standalone server.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar, cast

import boto3
import boto3.exceptions
import botocore.exceptions
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

from voxbooth.server.blobs import (
    KEY_RE,
    BlobNotFound,
    BlobStoreUnavailable,
    check_key,
    new_key,
)
from voxbooth.server.scratch import Scratch

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from voxbooth.server.settings import Settings

MEGABYTE = 1024 * 1024
_MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})
_T = TypeVar("_T")


def _missing(exc: botocore.exceptions.ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code", "")) in _MISSING_CODES


def _call(key: str, action: Callable[[], _T]) -> _T:
    """Runs one S3 call, turning its failures into the store's two errors."""
    try:
        return action()
    except botocore.exceptions.ClientError as exc:
        if _missing(exc):
            raise BlobNotFound(key) from exc
        raise BlobStoreUnavailable(f"object storage refused the request: {exc}") from exc
    except (botocore.exceptions.BotoCoreError, boto3.exceptions.Boto3Error) as exc:
        raise BlobStoreUnavailable(f"object storage is unreachable: {exc}") from exc


class S3BlobStore:
    """Blobs as objects `<prefix><key>` in one bucket."""

    def __init__(self, client: S3Client, bucket: str, scratch: Scratch, *, prefix: str = "",
                 multipart_threshold_bytes: int = 16 * MEGABYTE,
                 multipart_chunk_bytes: int = 8 * MEGABYTE) -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix
        self._scratch = scratch
        self._transfer = TransferConfig(multipart_threshold=multipart_threshold_bytes,
                                        multipart_chunksize=multipart_chunk_bytes,
                                        max_concurrency=4)

    @classmethod
    def from_settings(cls, settings: Settings, scratch: Scratch) -> S3BlobStore:
        if not settings.s3_bucket:
            raise ValueError("VOXBOOTH_BLOB_STORE=s3 needs VOXBOOTH_S3_BUCKET")
        secret = settings.s3_secret_access_key.get_secret_value()
        config = Config(
            s3={"addressing_style": settings.s3_addressing_style},
            retries={"mode": "standard", "max_attempts": 5},
            connect_timeout=10, read_timeout=60,
            max_pool_connections=max(10, settings.job_workers * 4 + 8),
            # botocore's default checksums (CRC32 on every put) are refused by several
            # S3-compatible stores; send them only where the API demands one.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        client = boto3.session.Session().client(
            "s3", endpoint_url=settings.s3_endpoint_url or None,
            region_name=settings.s3_region or None,
            aws_access_key_id=settings.s3_access_key_id or None,
            aws_secret_access_key=secret or None, config=config)
        return cls(client, settings.s3_bucket, scratch, prefix=settings.s3_prefix,
                   multipart_threshold_bytes=settings.s3_multipart_threshold_mb * MEGABYTE,
                   multipart_chunk_bytes=settings.s3_multipart_chunk_mb * MEGABYTE)

    def check_bucket(self, *, create: bool = False) -> None:
        """Fails with a clear message unless the bucket answers (made first if `create`)."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
            return
        except botocore.exceptions.ClientError as exc:
            if not (create and _missing(exc)):
                raise BlobStoreUnavailable(
                    f"S3 bucket {self.bucket!r} cannot be used: {exc}") from exc
        except botocore.exceptions.BotoCoreError as exc:
            raise BlobStoreUnavailable(f"S3 endpoint unreachable: {exc}") from exc
        _call(self.bucket, lambda: self.client.create_bucket(Bucket=self.bucket))

    def _object(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put_file(self, src: Path) -> str:
        key = new_key()
        _call(key, lambda: self.client.upload_file(str(src), self.bucket, self._object(key),
                                                   Config=self._transfer))
        return key

    def put_stream(self, stream: BinaryIO) -> str:
        key = new_key()
        _call(key, lambda: self.client.upload_fileobj(stream, self.bucket, self._object(key),
                                                      Config=self._transfer))
        return key

    def put_bytes(self, data: bytes) -> str:
        return self.put_stream(io.BytesIO(data))

    def open(self, key: str) -> BinaryIO:
        reply = _call(key, lambda: self.client.get_object(Bucket=self.bucket,
                                                          Key=self._object(key)))
        return cast(BinaryIO, reply["Body"])

    @contextlib.contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        name = self._object(key)
        with self._scratch.file("blob-", ".copy") as path:
            _call(key, lambda: self.client.download_file(self.bucket, name, str(path),
                                                         Config=self._transfer))
            yield path

    def delete(self, key: str) -> None:
        try:
            name = self._object(key)
        except BlobNotFound:
            return
        _call(key, lambda: self.client.delete_object(Bucket=self.bucket, Key=name))

    def _head(self, key: str) -> dict[str, Any]:
        name = self._object(key)
        return cast(dict[str, Any],
                    _call(key, lambda: self.client.head_object(Bucket=self.bucket, Key=name)))

    def exists(self, key: str) -> bool:
        try:
            self._head(key)
        except BlobNotFound:
            return False
        return True

    def size(self, key: str) -> int:
        return int(self._head(key)["ContentLength"])

    def keys(self) -> list[str]:
        """Every key under the prefix (for orphan checks and tests)."""
        found: list[str] = []
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                key = item["Key"][len(self.prefix):]
                if KEY_RE.match(key):
                    found.append(key)
        return sorted(found)

    def close(self) -> None:
        self.client.close()
