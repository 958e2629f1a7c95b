"""The storage interface the job system publishes to."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol


class OutputStorage(Protocol):
    def publish(self, local: Path, key: str, content_type: str) -> None:
        """Store ``local`` under ``key`` atomically (readers see the old object or the whole new one)."""

    def url(self, key: str) -> str:
        """A URL clients can GET (with Range) for ``key``."""

    def delete(self, key: str) -> None:
        """Remove ``key``; missing keys are fine."""

    def exists(self, key: str) -> bool:
        ...
