"""Service settings: defaults, overridden by `VOXBOOTH_*` environment variables and the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

MEGABYTE = 1024 * 1024


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("voxbooth", appauthor=False))


class Settings(BaseSettings):
    """Everything the service needs to know about where it runs and what it allows."""

    model_config = SettingsConfigDict(env_prefix="VOXBOOTH_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    # Empty means "SQLite in data_dir"; any SQLAlchemy URL is accepted.
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8765
    # When set, a local user owning this key is ensured at start-up (embedded studio, tests).
    local_api_key: str = ""
    # When set, the service stops itself once this process is gone (the embedded studio's pid).
    exit_with_pid: int = 0
    local_user_email: str = "local@voxbooth.localhost"
    # Generous: the embedded studio must never stop an artist for lack of credits.
    local_user_credits: int = 100_000
    new_user_credits: int = 100
    max_upload_bytes: int = 50 * MEGABYTE
    job_workers: int = 2
    job_max_attempts: int = 3
    # A running job's lease: renewed by its worker every quarter of it; a job whose worker
    # died is taken over by another once it lapses (so within about this long).
    job_lease_s: float = 20.0
    session_days: int = 30
    # Threads that run sync routes and every database or file step of async routes; the
    # database pool holds enough connections for all of them plus the job workers, so a
    # request waits for a connection only when something is badly wrong, and then at most
    # `db_pool_timeout_s` before it is answered 503 with Retry-After.
    request_threads: int = 8
    db_pool_timeout_s: float = 5.0
    busy_retry_after_s: int = 1
    gil_switch_interval_s: float = 0.001
    # Failed logins allowed per e-mail and per client address within `login_window_s`;
    # beyond them 429 with Retry-After until the window that counted them ends.
    login_failures_per_account: int = 5
    login_failures_per_address: int = 20
    login_window_s: int = 900
    # Each new take is heard by the speech recogniser and proofed against its script line
    # (seconds of CPU per minute of audio). Off, a take still gets its noise measures and its
    # transcript says "unavailable" with the reason: for a server without the CPU to spare.
    transcribe_takes: bool = True

    @property
    def db_connections(self) -> int:
        """Connections the pool may open: two per request thread (a finished request may still
        hold one while FastAPI serialises its answer and its session closes), one per job
        worker, and spare."""
        return 2 * self.request_threads + self.job_workers + 4

    # Object storage (README "Team server"): files under data_dir/blobs, or an S3-compatible
    # bucket (AWS S3, MinIO, Ceph RGW, Cloudflare R2). Empty S3 credentials fall back to
    # boto3's own chain (AWS_* variables, ~/.aws, an instance role).
    blob_store: Literal["file", "s3"] = "file"
    s3_bucket: str = ""
    s3_endpoint_url: str = ""  # empty for AWS itself
    s3_region: str = ""  # R2 wants "auto"
    s3_access_key_id: str = ""
    s3_secret_access_key: SecretStr = SecretStr("")
    s3_prefix: str = ""  # keys go under this prefix, so one bucket can hold several services
    s3_addressing_style: Literal["auto", "path", "virtual"] = "auto"
    s3_create_bucket: bool = False
    s3_multipart_threshold_mb: int = Field(default=16, ge=5)  # S3's smallest part is 5 MB
    s3_multipart_chunk_mb: int = Field(default=8, ge=5)

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'voxbooth.sqlite3'}"

    @property
    def blobs_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def tmp_dir(self) -> Path:
        return self.data_dir / "tmp"

    def ensure_dirs(self) -> None:
        for path in (self.data_dir, self.blobs_dir, self.tmp_dir):
            path.mkdir(parents=True, exist_ok=True)
