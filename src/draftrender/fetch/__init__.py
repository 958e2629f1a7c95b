"""Safe downloads of untrusted URLs (SSRF policy, limits, retries, resume)."""
from .client import Fetched, FetchError, FetchLimits, SafeFetcher
from .policy import address_allowed, literal_ip

__all__ = ["Fetched", "FetchError", "FetchLimits", "SafeFetcher", "address_allowed", "literal_ip"]
