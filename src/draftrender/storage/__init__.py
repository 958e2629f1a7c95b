"""Output storage: where finished videos go and the URL clients get for them."""
from __future__ import annotations

from ..settings import Settings
from .base import OutputStorage
from .local import LocalStorage


def make_storage(settings: Settings) -> OutputStorage:
    """S3 when a bucket is configured, else the service's own disk."""
    if settings.s3_bucket:
        from .s3 import S3Storage

        return S3Storage(settings)
    return LocalStorage(settings)


__all__ = ["OutputStorage", "LocalStorage", "make_storage"]
