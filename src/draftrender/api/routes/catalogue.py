"""Routes of the catalogue group (filled in by its own commit)."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["catalogue"])
