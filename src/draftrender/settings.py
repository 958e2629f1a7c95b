"""Service settings, read from environment variables (prefix ``DRAFTRENDER_``).

Every field is documented in README.md's settings table; keep the two in step.
"""
from __future__ import annotations

import ipaddress
from functools import cached_property
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """All knobs of the service; build one per process with ``Settings()``."""

    model_config = SettingsConfigDict(env_prefix="DRAFTRENDER_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 30000
    data_dir: Path = Path("./data")
    public_base_url: str = Field(
        default="",
        validation_alias=AliasChoices("DRAFTRENDER_PUBLIC_BASE_URL", "PUBLIC_BASE_URL"),
        description="Base URL clients use to reach this service; empty = http://HOST:PORT",
    )
    api_prefix: str = "/openapi/capcut-mate/v1"
    tip_url: str = "https://docs.jcaigc.cn/"
    default_language: str = "zh"

    # Downloads of materials (edit time) and drafts (render time).
    download_max_bytes: int = 500 * 1024 * 1024
    download_connect_timeout_s: float = 10.0
    download_read_timeout_s: float = 30.0
    download_deadline_s: float = 300.0
    download_retries: int = 3
    allow_networks: str = Field(
        default="",
        description="Comma-separated CIDRs that may be fetched although private/loopback",
    )
    # Foreign drafts (gen_video with another server's draft URL, a draft JSON or a .zip).
    source_max_bytes: int = 2 * 1024 * 1024 * 1024
    source_parallel_downloads: int = 4
    source_max_files: int = 2000
    source_zip_max_entries: int = 5000
    source_zip_max_unpacked_bytes: int = 4 * 1024 * 1024 * 1024
    source_zip_max_ratio: float = 200.0
    source_cache_max_bytes: int = 5 * 1024 * 1024 * 1024

    draft_lock_timeout_s: float = 30.0
    max_body_bytes: int = 4 * 1024 * 1024

    # Job system: task store (source of truth), dispatch queue, workers.
    database_url: str = Field(
        default="",
        validation_alias=AliasChoices("DRAFTRENDER_DATABASE_URL", "DATABASE_URL"),
        description="SQLAlchemy URL of the task store; empty = SQLite file in the data dir",
    )
    redis_url: str = Field(
        default="",
        validation_alias=AliasChoices("DRAFTRENDER_REDIS_URL", "REDIS_URL"),
        description="Redis URL of the dispatch queue; empty = SQLite queue file in the data dir",
    )
    workers: int = 1
    max_queued: int = 100
    lease_s: float = 30.0
    max_attempts: int = 3
    render_threads: int = 0
    retention_days: float = 7.0
    wait_timeout_s: float = 600.0
    task_timeout_s: float = 3600.0

    # Output storage: local disk unless an S3 bucket is configured.
    s3_bucket: str = ""
    s3_endpoint_url: str = ""
    s3_region: str = "us-east-1"
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""
    s3_prefix: str = "draftrender/"
    s3_url_expiry_s: int = 24 * 3600

    # Completion callbacks.
    callback_secret: str = ""
    callback_retries: int = 4

    @field_validator("default_language")
    @classmethod
    def _lang(cls, v: str) -> str:
        v = v.lower()
        if v not in ("zh", "en"):
            raise ValueError("default_language must be zh or en")
        return v

    @cached_property
    def allowed_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """Parsed ``allow_networks``."""
        return tuple(
            ipaddress.ip_network(part.strip(), strict=False)
            for part in self.allow_networks.split(",")
            if part.strip()
        )

    @property
    def base_url(self) -> str:
        """Public base URL without a trailing slash."""
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        return f"http://{self.host}:{self.port}"

    @property
    def drafts_dir(self) -> Path:
        return self.data_dir / "drafts"

    @property
    def tmp_dir(self) -> Path:
        return self.data_dir / "tmp"

    @property
    def cache_dir(self) -> Path:
        """Downloaded draft materials kept for re-renders (revalidated with ETag/Last-Modified)."""
        return self.data_dir / "cache"

    @property
    def outputs_dir(self) -> Path:
        return self.data_dir / "outputs"

    @property
    def task_db_url(self) -> str:
        """The task store's SQLAlchemy URL (SQLite in the data dir by default)."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'tasks.db').resolve()}"

    def draft_url(self, draft_id: str) -> str:
        """The get_draft URL that names a draft (capcut-mate's ``draft_url``)."""
        return f"{self.base_url}{self.api_prefix}/get_draft?draft_id={draft_id}"

    def file_url(self, relative: str) -> str:
        """Public URL of a file under the data dir, served by the files route."""
        return f"{self.base_url}/files/{relative}"
