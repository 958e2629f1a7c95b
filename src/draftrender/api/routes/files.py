"""Serve draft files (and later outputs) from the data dir, with HTTP Range and HEAD."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from ...errors import ServiceError
from ..deps import SettingsDep

router = APIRouter(tags=["files"])
SERVED_ROOTS = ("drafts", "outputs")


@router.head("/files/{path:path}", include_in_schema=False)
@router.get("/files/{path:path}", summary="Download a file (Range supported)")
def get_file(path: str, request: Request, settings: SettingsDep) -> FileResponse:
    root = settings.data_dir.resolve()
    target = (root / path).resolve()
    parts = Path(path).parts
    if (not parts or parts[0] not in SERVED_ROOTS or not target.is_relative_to(root)
            or any(p.startswith(".") for p in parts) or not target.is_file()):
        raise ServiceError(1002, path)
    return FileResponse(target)
