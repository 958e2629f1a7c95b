"""A task as gen_video_status answers it: seed 002's fields plus our extras."""
from __future__ import annotations

import json
from datetime import datetime

from ..settings import Settings
from ..storage import make_storage
from .models import CANCELLED, COMPLETED, Task

PUBLIC_STATUS = {CANCELLED: "failed"}


def iso(when: datetime | None) -> str | None:
    """ISO 8601 UTC with milliseconds and Z (the contract's time format)."""
    return None if when is None else when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def status_view(task: Task, settings: Settings, lang: str, draft_url: str | None = None) -> dict:
    status = PUBLIC_STATUS.get(task.status, task.status)
    video_url = poster_url = ""
    if task.status == COMPLETED and task.video_key:
        storage = make_storage(settings)
        video_url = storage.url(task.video_key)
        poster_url = storage.url(task.poster_key) if task.poster_key else ""
    return {
        "draft_url": draft_url or task.draft_url,
        "status": status,
        "progress": 100 if task.status == COMPLETED else (0 if status == "failed" else task.progress),
        "video_url": video_url,
        "error_message": (task.error_en if lang == "en" else task.error_zh) if status == "failed" else "",
        "created_at": iso(task.created_at),
        "started_at": iso(task.started_at),
        "completed_at": iso(task.completed_at),
        "task_id": task.id,
        "stage": task.stage,
        "eta_s": None if task.eta_s is None else round(task.eta_s, 1),
        "attempts": task.attempts,
        "worker": task.worker_id,
        "cancelled": task.status == CANCELLED,
        "warnings": json.loads(task.warnings or "[]"),
        "poster_url": poster_url,
        "output": None if task.status != COMPLETED else {
            "size_bytes": task.output_bytes, "duration_s": round((task.output_duration_us or 0) / 1e6, 3),
            "width": task.width, "height": task.height, "frames": task.frames,
        },
    }
