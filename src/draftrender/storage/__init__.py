"""Output storage: where finished videos go and the URL clients get for them."""
from __future__ import annotations

import os

from ..settings import Settings
from .base import OutputStorage
from .local import LocalStorage


_S3_CLIENTS: dict[tuple, OutputStorage] = {}


def make_storage(settings: Settings) -> OutputStorage:
    """S3 when a bucket is configured, else the service's own disk.

    S3 storages are kept per configuration: building a boto3 client costs tens of milliseconds,
    and every status reply signs a fresh URL with it (clients are thread-safe; one per process,
    as pooled connections must not cross a fork).
    """
    if settings.s3_bucket:
        from .s3 import S3Storage

        key = (os.getpid(), settings.s3_bucket, settings.s3_endpoint_url, settings.s3_region, settings.s3_access_key_id,
               settings.s3_secret_access_key, settings.s3_prefix, settings.s3_url_expiry_s)
        if key not in _S3_CLIENTS:
            _S3_CLIENTS[key] = S3Storage(settings)
        return _S3_CLIENTS[key]
    return LocalStorage(settings)


__all__ = ["OutputStorage", "LocalStorage", "make_storage"]
