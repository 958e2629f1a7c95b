"""gen_video, gen_video_status, gen_video_active_count, gen_video_cancel."""
from __future__ import annotations

from typing import Literal

from contextlib import contextmanager

from fastapi import APIRouter, Request
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, field_validator

from ...errors import ServiceError
from ...jobs.options import TaskOptions
from ...jobs.view import status_view
from ..deps import JobsDep, SettingsDep
from ..envelope import language, ok

router = APIRouter(tags=["video"])


class GenVideoRequest(BaseModel):
    draft_url: str = Field("", description="a draft URL in any supported form (see README)")
    apiKey: str | None = Field(None, description="accepted for capcut-mate compatibility; not used")
    force: bool = Field(False, description="render again even if an unchanged draft was rendered")
    wait: bool = Field(False, description="block until the task ends (seed 004's synchronous use)")
    timeout: float | None = Field(None, gt=0, le=3600, description="seconds to wait with wait=true")
    resolution: str | None = Field(None, description="output height: 480p, 720p, 1080p, 2160p (aspect kept)")
    width: int | None = Field(None, ge=16, le=7680)
    height: int | None = Field(None, ge=16, le=4320)
    fps: float | None = Field(None, ge=1, le=120)
    quality: Literal["low", "medium", "high"] = "medium"
    format: Literal["mp4", "gif"] = Field("mp4", description="mp4 (H.264/AAC) or gif (≤480 px wide, 12 fps, no sound)")
    preview: bool = Field(False, description="fast small render (360p, ultrafast)")
    start: float | None = Field(None, ge=0, description="start of the range to render, seconds")
    end: float | None = Field(None, gt=0, description="end of the range to render, seconds")
    poster: bool = Field(True, description="also store a JPEG poster frame")
    callback_url: str | None = Field(None, description="receives the final status as a POST")

    @field_validator("resolution")
    @classmethod
    def _resolution(cls, v: str | None) -> str | None:
        if v is not None and not v.lower().rstrip("p").isdigit():
            raise ValueError("resolution must look like 720p or 1080")
        return v

    def options(self) -> TaskOptions:
        height = self.height
        if self.resolution:
            height = int(self.resolution.lower().rstrip("p"))
            if not 16 <= height <= 4320:
                raise ServiceError(1001, "resolution 超出范围 16–4320", "resolution out of range 16–4320")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ServiceError(1001, "end 必须大于 start", "end must be greater than start")
        return TaskOptions(width=self.width, height=height, fps=self.fps, quality=self.quality,
                           preview=self.preview, start_s=self.start, end_s=self.end, poster=self.poster,
                           format=self.format)


@contextmanager
def task_store_errors(code: int):
    """An unreachable task store is the contract's 500 (2030 submit / 2032 status), not a 9998."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise ServiceError(code, "任务存储不可用", f"task store unavailable: {type(exc).__name__}") from exc


class TaskRef(BaseModel):
    draft_url: str = Field("", description="the draft URL given to gen_video (any form of it)")
    task_id: str = Field("", description="or the task id gen_video answered")


@router.post("/gen_video", summary="Render a draft to MP4 in the background (or wait for it)")
async def gen_video(body: GenVideoRequest, request: Request, jobs: JobsDep, settings: SettingsDep) -> dict:
    lang = language(request)
    options = body.options()
    if body.callback_url is not None and not body.callback_url.startswith(("http://", "https://")):
        raise ServiceError(1001, "callback_url 必须是 http(s) URL", "callback_url must be an http(s) URL")
    # submit reads the draft and writes the task store: keep that off the event loop
    with task_store_errors(2030):
        task, how = await run_in_threadpool(jobs.submit, body.draft_url, options, force=body.force,
                                            callback_url=body.callback_url)
    if body.wait and how != "reused":
        with task_store_errors(2032):
            task = await jobs.wait(task.id, body.timeout or settings.wait_timeout_s)
        if task.status != "completed":
            raise jobs.error_of(task)
    view = status_view(task, settings, lang, body.draft_url.strip())
    return ok(request, **{**view, "message": jobs.message(task, how, lang)})


@router.post("/gen_video_status", summary="Status and progress of a render task")
def gen_video_status(body: TaskRef, request: Request, jobs: JobsDep, settings: SettingsDep) -> dict:
    with task_store_errors(2032):
        task = jobs.find(body.draft_url.strip() or None, body.task_id.strip() or None)
    return ok(request, **status_view(task, settings, language(request), body.draft_url.strip() or None))


@router.get("/gen_video_active_count", summary="Number of pending + processing tasks")
def gen_video_active_count(request: Request, jobs: JobsDep) -> dict:
    with task_store_errors(2032):
        return ok(request, count=jobs.active_count())


@router.post("/gen_video_cancel", summary="Cancel a queued or running render")
def gen_video_cancel(body: TaskRef, request: Request, jobs: JobsDep, settings: SettingsDep) -> dict:
    with task_store_errors(2032):
        task = jobs.cancel(jobs.find(body.draft_url.strip() or None, body.task_id.strip() or None))
    return ok(request, **status_view(task, settings, language(request), body.draft_url.strip() or None))
