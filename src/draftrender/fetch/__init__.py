"""Safe downloads of untrusted URLs (SSRF policy, limits, retries, resume)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .client import Fetched, FetchError, FetchLimits, SafeFetcher
from .policy import address_allowed, literal_ip

if TYPE_CHECKING:
    from ..settings import Settings


def fetcher_from_settings(settings: "Settings") -> SafeFetcher:
    """The one fetcher configuration every download uses (edit-time materials, foreign drafts)."""
    return SafeFetcher(settings.allowed_networks, FetchLimits(
        max_bytes=settings.download_max_bytes,
        connect_timeout_s=settings.download_connect_timeout_s,
        read_timeout_s=settings.download_read_timeout_s,
        deadline_s=settings.download_deadline_s,
        retries=settings.download_retries,
    ))


__all__ = ["Fetched", "FetchError", "FetchLimits", "SafeFetcher", "address_allowed", "fetcher_from_settings",
           "literal_ip"]
