"""TaskStore: every state change of a task is one compare-and-set UPDATE on the task table.

The table is the source of truth; the queue only carries task ids. Claims, heartbeats, completion
and the reaper all name the state they expect, so two workers (or a worker and the reaper) can
never both win the same transition, on SQLite and on PostgreSQL alike.
"""
from __future__ import annotations

import os
import threading
import uuid
from datetime import datetime, timedelta

from sqlalchemy import create_engine, event, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import ServiceError
from .models import ACTIVE, CANCELLED, COMPLETED, FAILED, PENDING, PROCESSING, Base, Task, utcnow

_ENGINES: dict[tuple[int, str], sessionmaker] = {}
_ENGINES_LOCK = threading.Lock()


def _after_fork() -> None:
    """A child forked while another thread held the lock must not inherit it locked."""
    global _ENGINES_LOCK
    _ENGINES_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_after_fork)


def _sessions(url: str) -> sessionmaker:
    """One engine (and session factory) per process and URL: engines must not cross a fork."""
    key = (os.getpid(), url)
    with _ENGINES_LOCK:
        if key not in _ENGINES:
            if url.startswith("sqlite"):
                engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

                @event.listens_for(engine, "connect")
                def _pragmas(conn, _record):  # WAL: readers never block the writer
                    cur = conn.cursor()
                    cur.execute("PRAGMA journal_mode=WAL")
                    cur.execute("PRAGMA synchronous=NORMAL")
                    cur.close()
            else:
                engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
            Base.metadata.create_all(engine)
            _ENGINES[key] = sessionmaker(engine, expire_on_commit=False)
        return _ENGINES[key]


class TaskStore:
    """Reads and compare-and-set writes of render tasks."""

    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite:///"):
            os.makedirs(os.path.dirname(url[len("sqlite:///"):]) or ".", exist_ok=True)

    def _session(self) -> Session:
        return _sessions(self.url)()

    # ---- reads -------------------------------------------------------------------------------
    def get(self, task_id: str) -> Task | None:
        with self._session() as s:
            return s.get(Task, task_id)

    def latest_for_key(self, key: str) -> Task | None:
        with self._session() as s:
            return s.scalars(select(Task).where(Task.key == key)
                             .order_by(Task.created_at.desc()).limit(1)).first()

    def active_count(self) -> int:
        with self._session() as s:
            return s.scalar(select(func.count()).select_from(Task).where(Task.status.in_(ACTIVE))) or 0

    def stats(self) -> dict:
        """Counts and sums over the whole table, for /metrics (computed at scrape time, so the
        figures are the same whichever API box is scraped)."""
        with self._session() as s:
            by_status = dict(s.execute(select(Task.status, func.count()).group_by(Task.status)).all())
            oldest = s.scalar(select(func.min(Task.created_at)).where(Task.status == PENDING))
            attempts, out_bytes, out_us, renders = s.execute(select(
                func.coalesce(func.sum(Task.attempts), 0), func.coalesce(func.sum(Task.output_bytes), 0),
                func.coalesce(func.sum(Task.output_duration_us), 0), func.count(Task.output_duration_us))).one()
        return {"by_status": by_status, "oldest_pending": oldest, "attempts": int(attempts),
                "output_bytes": int(out_bytes), "output_seconds": int(out_us) / 1e6, "outputs": int(renders)}

    def finished_before(self, when: datetime) -> list[Task]:
        with self._session() as s:
            return list(s.scalars(select(Task).where(Task.status.in_((COMPLETED, FAILED, CANCELLED)),
                                                     Task.completed_at < when)))

    # ---- submit ------------------------------------------------------------------------------
    def submit(self, fields: dict, *, force: bool, max_queued: int) -> tuple[Task, str]:
        """Find or create the task for ``fields['key']``.

        Returns (task, how): "active" (an unfinished task exists), "reused" (a completed task
        with the same fingerprint), or "created".
        """
        key = fields["key"]
        for _ in range(3):
            with self._session() as s:
                active = s.scalars(select(Task).where(Task.active_key == key)).first()
                if active is not None:
                    return active, "active"
                if not force:
                    done = s.scalars(select(Task).where(Task.key == key, Task.status == COMPLETED,
                                                        Task.fingerprint == fields["fingerprint"])
                                     .order_by(Task.completed_at.desc()).limit(1)).first()
                    if done is not None:
                        return done, "reused"
                waiting = s.scalar(select(func.count()).select_from(Task).where(Task.status == PENDING)) or 0
                if waiting >= max_queued:
                    raise ServiceError("SERVICE_BUSY", f"{waiting} 个任务排队中", f"{waiting} tasks are waiting")
                now = utcnow()
                task = Task(id=uuid.uuid4().hex, active_key=key, status=PENDING, stage="waiting",
                            progress=0, created_at=now, enqueued_at=now, attempts=0, **fields)
                s.add(task)
                try:
                    s.commit()
                except IntegrityError:  # another process created it between our read and write
                    s.rollback()
                    continue
                return task, "created"
        raise ServiceError("VIDEO_SUBMIT_FAILED", "并发提交冲突", "concurrent submissions kept conflicting")

    # ---- worker transitions ------------------------------------------------------------------
    def set_fields(self, task_id: str, **values) -> bool:
        return self._cas(task_id, [], values)

    def _cas(self, task_id: str, where: list, values: dict) -> bool:
        with self._session() as s:
            result = s.execute(update(Task).where(Task.id == task_id, *where).values(**values))
            s.commit()
            return result.rowcount == 1

    def claim(self, task_id: str, worker_id: str) -> Task | None:
        """pending → processing for this worker (one attempt more); None if someone else has it."""
        now = utcnow()
        task = self.get(task_id)
        if task is None or task.status != PENDING:
            return None
        won = self._cas(task_id, [Task.status == PENDING, Task.attempts == task.attempts],
                        dict(status=PROCESSING, worker_id=worker_id, heartbeat_at=now,
                             attempts=task.attempts + 1,
                             started_at=task.started_at or now,
                             progress=max(task.progress, 10), stage="started"))
        return self.get(task_id) if won else None

    def heartbeat(self, task_id: str, worker_id: str) -> bool:
        """Extend the lease; False when the lease is no longer ours (reaped or finished)."""
        return self._cas(task_id, [Task.status == PROCESSING, Task.worker_id == worker_id],
                         dict(heartbeat_at=utcnow()))

    def progress(self, task_id: str, worker_id: str, progress: int, stage: str, eta_s: float | None) -> None:
        """Move progress forward (never backwards) and refresh the heartbeat."""
        self._cas(task_id, [Task.status == PROCESSING, Task.worker_id == worker_id, Task.progress <= progress],
                  dict(progress=progress, stage=stage, eta_s=eta_s, heartbeat_at=utcnow()))

    def cancel_requested(self, task_id: str) -> bool:
        with self._session() as s:
            return bool(s.scalar(select(Task.cancel_requested).where(Task.id == task_id)))

    def complete(self, task_id: str, worker_id: str, values: dict) -> bool:
        return self._cas(task_id, [Task.status == PROCESSING, Task.worker_id == worker_id],
                         dict(status=COMPLETED, active_key=None, progress=100, stage="done", eta_s=0,
                              completed_at=utcnow(), **values))

    def fail(self, task_id: str, worker_id: str | None, error: ServiceError, *, status: str = FAILED) -> bool:
        where = [Task.status == PROCESSING]
        if worker_id is not None:
            where.append(Task.worker_id == worker_id)
        return self._cas(task_id, where, self._failure(error, status))

    @staticmethod
    def _failure(error: ServiceError, status: str) -> dict:
        return dict(status=status, active_key=None, progress=0, stage="cancelled" if status == CANCELLED else "failed",
                    eta_s=None, error_code=error.code, error_status=error.status, error_symbol=error.kind.symbol,
                    error_detail_zh=error.detail, error_detail_en=error.detail_en,
                    error_zh=error.text("zh"), error_en=error.text("en"), completed_at=utcnow())

    def cancel(self, task_id: str) -> Task | None:
        """Cancel a pending task at once; ask a processing one to stop (its worker acknowledges)."""
        error = ServiceError("TASK_CANCELLED")
        if not self._cas(task_id, [Task.status == PENDING], self._failure(error, CANCELLED)):
            self._cas(task_id, [Task.status == PROCESSING], dict(cancel_requested=True))
        return self.get(task_id)

    # ---- recovery ----------------------------------------------------------------------------
    def reap(self, lease_s: float, requeue_after_s: float, queued: int | None = None) -> list[str]:
        """Take back tasks whose worker stopped heart-beating; return ids to (re-)enqueue.

        A stale processing task goes back to pending (or fails after its last attempt). A
        pending task that nobody claimed for ``requeue_after_s`` may have lost its message: when
        the queue holds ``queued`` messages and fewer than the pending tasks, the oldest missing
        ones are enqueued again (a duplicate is harmless: claims are CAS; ``queued=None`` = unknown,
        re-send all of them).
        """
        now = utcnow()
        stale_before = now - timedelta(seconds=lease_s)
        requeue: list[str] = []
        with self._session() as s:
            stale = list(s.execute(select(Task.id, Task.attempts, Task.max_attempts, Task.cancel_requested)
                                   .where(Task.status == PROCESSING, Task.heartbeat_at < stale_before)))
            waiting = list(s.scalars(select(Task.id).where(
                Task.status == PENDING, Task.enqueued_at < now - timedelta(seconds=requeue_after_s))
                .order_by(Task.created_at)))
            if queued is not None:
                pending = s.scalar(select(func.count()).select_from(Task).where(Task.status == PENDING)) or 0
                waiting = waiting[:max(0, pending - queued)]
        for task_id, attempts, max_attempts, cancel in stale:
            where = [Task.status == PROCESSING, Task.heartbeat_at < stale_before]
            if cancel:
                self._cas(task_id, where, self._failure(ServiceError("TASK_CANCELLED"), CANCELLED))
            elif attempts >= max_attempts:
                self._cas(task_id, where, self._failure(ServiceError(
                    "VIDEO_RENDER_FAILED", f"渲染进程 {attempts} 次中断", f"the render worker died {attempts} times"),
                    FAILED))
            elif self._cas(task_id, where, dict(status=PENDING, worker_id=None, stage="requeued",
                                                enqueued_at=now)):
                requeue.append(task_id)
        for task_id in waiting:
            if self._cas(task_id, [Task.status == PENDING, Task.enqueued_at < now - timedelta(seconds=requeue_after_s)],
                         dict(enqueued_at=now)):
                requeue.append(task_id)
        return requeue

    def delete(self, task_id: str) -> None:
        with self._session() as s:
            task = s.get(Task, task_id)
            if task is not None:
                s.delete(task)
                s.commit()
