"""create_draft, save_draft, get_draft."""
from __future__ import annotations

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from ...drafts.ops.common import OpResult
from ...errors import ServiceError
from ..deps import EditingDep, SettingsDep
from ..envelope import ok

router = APIRouter(tags=["drafts"])


class CreateDraftRequest(BaseModel):
    width: int = Field(1920, ge=1, le=8192, description="canvas width in pixels")
    height: int = Field(1080, ge=1, le=8192, description="canvas height in pixels")
    fps: int = Field(30, ge=1, le=120, description="frame rate (capcut-mate always writes 30)")


class DraftUrlRequest(BaseModel):
    draft_url: str = Field("", description="draft URL (any URL whose query has draft_id)")


@router.post("/create_draft", summary="Create an empty draft")
def create_draft(body: CreateDraftRequest, request: Request, editing: EditingDep, settings: SettingsDep) -> dict:
    try:
        draft_id = editing.store.create(body.width, body.height, body.fps)
    except OSError as exc:
        raise ServiceError(2002, str(exc)) from exc
    return ok(request, draft_url=editing.draft_url(draft_id), tip_url=settings.tip_url)


@router.post("/save_draft", summary="Save a draft (every edit already saves)")
def save_draft(body: DraftUrlRequest, request: Request, editing: EditingDep) -> dict:
    draft_id, _ = editing.edit(body.draft_url, lambda session: OpResult({}))
    return ok(request, draft_url=editing.draft_url(draft_id))


@router.get("/get_draft", summary="List the URLs of a draft's files")
def get_draft(request: Request, editing: EditingDep, settings: SettingsDep,
              draft_id: str = Query(..., min_length=20, max_length=32)) -> dict:
    files = editing.store.files(draft_id)
    return ok(request, files=[settings.file_url(f"drafts/{draft_id}/{rel}") for rel in files])
