"""Routes of the captions group (filled in by its own commit)."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["captions"])
