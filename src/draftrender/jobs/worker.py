"""A render worker: a Huey consumer plus the reaper that recovers tasks of dead workers.

``draftrender worker`` runs one per machine (processes = concurrency); ``draftrender serve``
starts one beside the API. Any number of them may share one database and queue.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from pathlib import Path

from ..settings import Settings
from ..storage import make_storage
from .models import utcnow
from .queue import enqueue, make_huey
from .store import TaskStore

log = logging.getLogger("draftrender.jobs")


class Reaper(threading.Thread):
    """Every lease/2: give stale tasks back to the queue; every hour: drop expired outputs."""

    def __init__(self, settings: Settings, huey) -> None:
        super().__init__(name="reaper", daemon=True)
        self.settings, self.huey = settings, huey
        self.store = TaskStore(settings.task_db_url)
        self.stopped = threading.Event()
        self._last_cleanup = 0.0

    def run(self) -> None:
        while not self.stopped.is_set():
            self.tick()
            self.stopped.wait(max(0.5, self.settings.lease_s / 2))

    def tick(self) -> None:
        try:
            for task_id in self.store.reap(self.settings.lease_s, requeue_after_s=max(30.0, self.settings.lease_s * 2)):
                log.warning("re-enqueueing task %s", task_id)
                enqueue(self.huey, task_id)
            if time.monotonic() - self._last_cleanup > 3600:
                self._last_cleanup = time.monotonic()
                cleanup(self.settings, self.store)
        except Exception:  # the reaper must survive database hiccups
            log.exception("reaper tick failed")


def cleanup(settings: Settings, store: TaskStore) -> int:
    """Delete outputs past the retention period and abandoned temp folders; return how many."""
    removed = 0
    if settings.retention_days > 0:
        storage = make_storage(settings)
        for task in store.finished_before(utcnow() - timedelta(days=settings.retention_days)):
            if task.video_key or task.poster_key:
                for key in (task.video_key, task.poster_key):
                    if key:
                        storage.delete(key)
                store.set_fields(task.id, video_key=None, poster_key=None, stage="expired")
                removed += 1
    tasks_tmp = settings.tmp_dir / "tasks"
    if tasks_tmp.is_dir():
        horizon = time.time() - max(86400.0, settings.lease_s * 10)
        for folder in tasks_tmp.iterdir():
            if folder.stat().st_mtime < horizon:
                _rmtree(folder)
                removed += 1
    return removed


def _rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


class Worker:
    """A consumer with ``concurrency`` workers ("process" in production, "thread" in tests)."""

    def __init__(self, settings: Settings, concurrency: int = 1, worker_type: str = "process") -> None:
        self.settings = settings
        self.huey = make_huey(settings)
        self.consumer = self.huey.create_consumer(
            workers=max(1, concurrency), worker_type=worker_type, periodic=False,
            initial_delay=0.05, backoff=1.5, max_delay=0.5, check_worker_health=True, health_check_interval=1)
        self.reaper = Reaper(settings, self.huey)

    def run(self) -> None:
        """Block until SIGINT/SIGTERM (the consumer's own signal handling)."""
        self.reaper.start()
        self.consumer.run()

    def start(self) -> "Worker":
        """Run in the background of this process (tests, embedded use)."""
        self.reaper.start()
        self.consumer.start()
        return self

    def stop(self) -> None:
        self.reaper.stopped.set()
        self.consumer.stop(graceful=True)
