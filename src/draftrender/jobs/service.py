"""JobService: what the gen_video routes call (submit, status, wait, cancel, count)."""
from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time

from .. import sources
from ..errors import ServiceError
from ..settings import Settings
from .callbacks import send_callback
from .models import CANCELLED, COMPLETED, FINISHED, Task
from .options import TaskOptions
from .queue import enqueue, make_huey
from .store import TaskStore

SUBMITTED = {"zh": "视频生成任务已提交，请使用draft_url查询进度",
             "en": "Video generation task submitted, use draft_url to query its progress"}
DONE = {"zh": "视频生成成功", "en": "Video generated successfully"}


def has_content(draft: dict) -> bool:
    """Anything to export: a segment on any track (video, audio, image, text, sticker, effect)."""
    return any(track.get("segments") for track in draft.get("tracks") or [] if isinstance(track, dict))


class JobService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = TaskStore(settings.task_db_url)
        self.huey = make_huey(settings)

    # ---- identity ----------------------------------------------------------------------------
    def _own_exists(self, draft_id: str) -> bool:
        return (self.settings.drafts_dir / draft_id / "draft_content.json").is_file()

    def identify(self, draft_url: str) -> sources.DraftRef:
        if not isinstance(draft_url, str) or not draft_url.strip():
            raise ServiceError("DRAFT_URL_REQUIRED")
        return sources.identify(draft_url.strip(), self.settings, self._own_exists)

    def _fingerprint(self, ref, options: TaskOptions) -> str:
        digest = hashlib.sha256(json.dumps(options.to_dict(), sort_keys=True).encode())
        digest.update(ref.key.encode())
        if ref.kind == "own":
            content = (self.settings.drafts_dir / ref.draft_id / "draft_content.json").read_bytes()
            try:
                draft = json.loads(content)
            except ValueError as exc:
                raise ServiceError("DRAFT_CONTENT_INVALID", str(exc)) from exc
            if not has_content(draft):
                raise ServiceError("DRAFT_EMPTY")
            digest.update(content)
        return digest.hexdigest()

    # ---- gen_video ---------------------------------------------------------------------------
    def submit(self, draft_url: str, options: TaskOptions, *, force: bool = False,
               callback_url: str | None = None) -> tuple[Task, str]:
        """Find or start the task for this draft; ``how`` is "active", "reused" or "created"."""
        ref = self.identify(draft_url)
        fields = dict(key=ref.key, draft_url=draft_url.strip(), source_kind=ref.kind, draft_id=ref.draft_id,
                      fingerprint=self._fingerprint(ref, options), options=json.dumps(options.to_dict()),
                      max_attempts=self.settings.max_attempts, callback_url=callback_url or None)
        task, how = self.store.submit(fields, force=force, max_queued=self.settings.max_queued)
        if how == "created":
            try:
                enqueue(self.huey, task.id)
            except Exception:  # the reaper re-enqueues pending tasks whose message was lost
                pass
        return task, how

    def message(self, task: Task, how: str, lang: str) -> str:
        return (DONE if how == "reused" or task.status == COMPLETED else SUBMITTED)[lang]

    # ---- status ------------------------------------------------------------------------------
    def find(self, draft_url: str | None = None, task_id: str | None = None) -> Task:
        task = None
        if task_id:
            task = self.store.get(task_id)
        elif draft_url:
            try:
                ref = self.identify(draft_url)
            except ServiceError as exc:
                if exc.kind.symbol == "DRAFT_NOT_FOUND":
                    raise ServiceError("VIDEO_TASK_NOT_FOUND", "指定的草稿URL没有对应的视频生成任务",
                                       "no video task for this draft URL") from exc
                raise
            task = self.store.latest_for_key(ref.key)
        else:
            raise ServiceError("DRAFT_URL_REQUIRED")
        if task is None:
            raise ServiceError("VIDEO_TASK_NOT_FOUND", "指定的草稿URL没有对应的视频生成任务",
                               "no video task for this draft URL")
        return task

    async def wait(self, task_id: str, timeout_s: float) -> Task:
        """Poll the store until the task ends or ``timeout_s`` passes (the task goes on)."""
        deadline = time.monotonic() + timeout_s
        while True:
            task = await asyncio.to_thread(self.store.get, task_id)
            if task is None or task.status in FINISHED:
                return task
            if time.monotonic() >= deadline:
                raise ServiceError("PROCESSING_TIMEOUT", f"{timeout_s:g} s; 任务 {task_id} 仍在进行",
                                   f"{timeout_s:g} s; task {task_id} goes on")
            await asyncio.sleep(0.2)

    def cancel(self, task: Task) -> Task:
        was_pending = task.status == "pending"
        task = self.store.cancel(task.id)
        if was_pending and task.status == CANCELLED and task.callback_url:
            threading.Thread(target=send_callback, args=(self.settings, task.id), daemon=True).start()
        return task

    @staticmethod
    def error_of(task: Task) -> ServiceError:
        """The failure a finished task recorded, as the error a synchronous caller receives."""
        return ServiceError(task.error_symbol or "VIDEO_RENDER_FAILED", task.error_detail_zh,
                            task.error_detail_en, status=task.error_status)

    def active_count(self) -> int:
        return self.store.active_count()
