"""An S3-compatible server for tests: moto's standalone server on loopback, stopped by its PID.

No real S3 server installs on these machines (no MinIO or Ceph): moto speaks the S3 REST API
over HTTP, so the service's boto3 client talks to it exactly as it would to MinIO or AWS.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.support.blob_store import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY
from tests.support.server import free_port

__all__ = ["ACCESS_KEY_ID", "REGION", "SECRET_ACCESS_KEY", "MotoServer"]


@dataclass
class MotoServer:
    log_path: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 30.0) -> MotoServer:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"moto_server exited early:\n{self.log()}")
            try:
                httpx.get(f"{self.url}/moto-api/", timeout=1.0)
                return self
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"moto_server did not answer within {timeout_s} s:\n{self.log()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def client(self) -> Any:
        import boto3

        return boto3.client("s3", endpoint_url=self.url, region_name=REGION,
                            aws_access_key_id=ACCESS_KEY_ID,
                            aws_secret_access_key=SECRET_ACCESS_KEY)

    def new_bucket(self) -> str:
        name = f"voxbooth-{secrets.token_hex(6)}"
        self.client().create_bucket(Bucket=name)
        return name

    def service_env(self, bucket: str, **extra: str) -> dict[str, str]:
        """The environment that points `voxbooth serve` at `bucket` on this server."""
        return {"VOXBOOTH_BLOB_STORE": "s3", "VOXBOOTH_S3_BUCKET": bucket,
                "VOXBOOTH_S3_ENDPOINT_URL": self.url, "VOXBOOTH_S3_REGION": REGION,
                "VOXBOOTH_S3_ACCESS_KEY_ID": ACCESS_KEY_ID,
                "VOXBOOTH_S3_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY, **extra}
