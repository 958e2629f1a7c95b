"""A render worker: a Huey consumer plus the reaper that recovers tasks of dead workers.

``draftrender worker`` runs one per machine (processes = concurrency); ``draftrender serve``
starts one beside the API. Any number of them may share one database and queue.
"""
from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from datetime import timedelta

from huey.consumer import Consumer

from ..settings import Settings
from ..storage import make_storage
from .models import utcnow
from .queue import enqueue, make_huey
from .store import TaskStore

log = logging.getLogger("draftrender.jobs")


class Reaper:
    """Every lease/2: give stale tasks back to the queue; every hour: drop expired outputs.

    It runs in the consumer's main loop, not in a thread of its own: the consumer forks worker
    processes, and a fork while another thread holds a lock leaves the child deadlocked.
    """

    def __init__(self, settings: Settings, huey) -> None:
        self.settings, self.huey = settings, huey
        self.store = TaskStore(settings.task_db_url)
        self.interval = max(0.5, settings.lease_s / 2)
        self._next = 0.0
        self._last_cleanup = 0.0

    def maybe_tick(self) -> None:
        if time.monotonic() >= self._next:
            self._next = time.monotonic() + self.interval
            self.tick()

    def tick(self) -> None:
        try:
            try:
                queued = self.huey.pending_count()
            except Exception:  # noqa: BLE001 — unknown queue length: re-send every overdue task
                queued = None
            for task_id in self.store.reap(self.settings.lease_s, requeue_after_s=max(30.0, self.settings.lease_s * 2),
                                           queued=queued):
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
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
    return removed


class ReapingConsumer(Consumer):
    """Huey's consumer, with the reaper ticking in its main loop.

    With ``parent_pid`` set (workers started by ``serve``), it stops when that parent is gone,
    so a killed API never leaves orphan render processes behind.
    """

    reaper: Reaper
    parent_pid: int | None = None

    def loop(self, health_check_ts=None):
        if self.parent_pid is not None and os.getppid() != self.parent_pid:
            self._logger.warning("parent process %s is gone; stopping", self.parent_pid)
            self.stop()
        self.reaper.maybe_tick()
        return super().loop(health_check_ts)


class Worker:
    """A consumer with ``concurrency`` workers ("process" in production, "thread" in tests)."""

    def __init__(self, settings: Settings, concurrency: int = 1, worker_type: str = "process",
                 parent_pid: int | None = None) -> None:
        self.settings = settings
        self.huey = make_huey(settings)
        self.consumer = ReapingConsumer(
            self.huey, workers=max(1, concurrency), worker_type=worker_type, periodic=False,
            initial_delay=0.05, backoff=1.5, max_delay=0.5, check_worker_health=True, health_check_interval=1)
        self.consumer.reaper = Reaper(settings, self.huey)
        self.consumer.parent_pid = parent_pid
        self._thread: threading.Thread | None = None

    def run(self) -> None:
        """Block until SIGINT/SIGTERM (the consumer's own signal handling)."""
        self.consumer.run()

    def start(self) -> "Worker":
        """Run in a background thread of this process (tests; thread workers only)."""
        if self.consumer.worker_type != "thread":
            raise ValueError("background start is for thread workers; use run() for processes")
        self.consumer._set_signal_handlers = lambda: None  # signals belong to the main thread
        self._thread = threading.Thread(target=self.consumer.run, name="consumer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.consumer.stop(graceful=True)
        self.consumer.stop_flag.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
