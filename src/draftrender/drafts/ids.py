"""Identifiers in capcut-mate's formats."""
from __future__ import annotations

import re
import uuid
from datetime import datetime

DRAFT_ID_RE = re.compile(r"^[0-9A-Za-z_-]{20,32}$")


def new_draft_id(now: datetime | None = None) -> str:
    """capcut-mate's 22-char id: local ``YYYYMMDDHHMMSS`` + 8 hex chars."""
    stamp = (now or datetime.now()).strftime("%Y%m%d%H%M%S")
    return stamp + uuid.uuid4().hex[:8]


def new_id() -> str:
    """32-hex id used for tracks, segments and materials."""
    return uuid.uuid4().hex


def is_draft_id(value: str) -> bool:
    """True for ids get_draft accepts (20–32 chars, no path separators)."""
    return bool(DRAFT_ID_RE.match(value))
