"""A worker's lease on a task: a heartbeat thread, and the stop signal for the render loop."""
from __future__ import annotations

import threading
import time

from .store import TaskStore


class Lease:
    """Keeps ``heartbeat_at`` fresh while a render runs; ``should_stop`` says when to give up.

    The render stops when the user cancels, when the task runs past its time limit, or when the
    lease is lost (the reaper gave the task to another worker after our heartbeats stalled); a
    lost lease must not publish results.
    """

    def __init__(self, store: TaskStore, task_id: str, worker_id: str, lease_s: float,
                 timeout_s: float | None = None) -> None:
        self.store, self.task_id, self.worker_id = store, task_id, worker_id
        self.interval = max(0.2, lease_s / 4)
        self.deadline = None if not timeout_s else time.monotonic() + timeout_s
        self.lost = False
        self.cancelled = False
        self.timed_out = False
        self._stop = threading.Event()
        self._checked = 0.0
        self._thread = threading.Thread(target=self._beat, name=f"lease-{task_id[:8]}", daemon=True)

    def __enter__(self) -> "Lease":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _beat(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                if not self.store.heartbeat(self.task_id, self.worker_id):
                    self.lost = True
                    return
            except Exception:  # a database hiccup: try again next beat; the lease allows a few
                continue

    def should_stop(self) -> bool:
        """Cheap enough to call per frame: the database is read at most every 0.5 s."""
        if self.lost or self.cancelled or self.timed_out:
            return True
        now = time.monotonic()
        if self.deadline is not None and now >= self.deadline:
            self.timed_out = True
            return True
        if now - self._checked >= 0.5:
            self._checked = now
            try:
                self.cancelled = self.store.cancel_requested(self.task_id)
            except Exception:
                pass
        return self.lost or self.cancelled
