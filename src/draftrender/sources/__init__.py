"""Draft sources: turn any draft_url form into a local draft folder the renderer can read.

Placeholder covering our own drafts only; the other forms arrive with the draft-sources work.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, urlsplit

from ..errors import ServiceError
from ..settings import Settings

DRAFT_ID = re.compile(r"^[0-9A-Za-z]{20,32}$")


class Cancelled(Exception):
    """should_stop() asked materialize to stop."""


@dataclass(frozen=True)
class DraftRef:
    kind: str
    url: str
    draft_id: str | None
    key: str


@dataclass
class LocalDraft:
    folder: Path
    draft_file: Path
    path_map: dict[str, str] = field(default_factory=dict)
    downloaded_bytes: int = 0


def identify(draft_url: str, settings: Settings, own_exists: Callable[[str], bool]) -> DraftRef:
    parts = urlsplit(draft_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ServiceError("DRAFT_URL_INVALID", draft_url, draft_url)
    ids = parse_qs(parts.query).get("draft_id") or []
    if ids and DRAFT_ID.match(ids[0]):
        if own_exists(ids[0]):
            return DraftRef("own", "", ids[0], f"own:{ids[0]}")
        raise ServiceError("DRAFT_NOT_FOUND", ids[0])
    raise ServiceError("DRAFT_URL_INVALID", draft_url, draft_url)


def materialize(ref: DraftRef, settings: Settings, workdir: Path, *, progress=None, should_stop=None) -> LocalDraft:
    folder = settings.drafts_dir / ref.draft_id
    return LocalDraft(folder, folder / "draft_content.json")
