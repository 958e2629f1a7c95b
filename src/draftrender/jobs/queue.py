"""Dispatch with Huey: SQLite queue file by default, Redis when configured — the same code.

Huey only carries task ids (at most once); the task table plus leases and the reaper make
delivery effectively at least once, and CAS claims make duplicate messages harmless.
"""
from __future__ import annotations

from huey import RedisHuey, SqliteHuey
from huey.api import Huey

from ..settings import Settings
from .runner import run_task

QUEUE_NAME = "draftrender"


def make_huey(settings: Settings) -> Huey:
    if settings.redis_url:
        huey = RedisHuey(QUEUE_NAME, url=settings.redis_url, results=False)
    else:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(QUEUE_NAME, filename=str(settings.data_dir / "queue.db"), results=False)

    @huey.task(name="render")
    def render(task_id: str) -> None:
        run_task(task_id, settings)

    huey.render = render  # type: ignore[attr-defined]
    return huey


def enqueue(huey: Huey, task_id: str) -> None:
    huey.render(task_id)  # type: ignore[attr-defined]
