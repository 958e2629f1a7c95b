"""The task table: one row per render attempt chain, everything gen_video_status reports."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Boolean, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

PENDING, PROCESSING, COMPLETED, FAILED, CANCELLED = "pending", "processing", "completed", "failed", "cancelled"
ACTIVE = (PENDING, PROCESSING)
FINISHED = (COMPLETED, FAILED, CANCELLED)


def utcnow() -> datetime:
    """Naive UTC (portable across SQLite and PostgreSQL columns without time zones)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Task(Base):
    """A render of one draft with one set of options.

    ``active_key`` equals ``key`` while the task is pending or processing and is NULL after:
    its unique index makes "one active task per draft" hold across API processes.
    """

    __tablename__ = "render_tasks"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(1024), index=True)
    active_key: Mapped[str | None] = mapped_column(String(1024), unique=True, nullable=True)
    draft_url: Mapped[str] = mapped_column(Text)
    source_kind: Mapped[str] = mapped_column(String(32))
    draft_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    options: Mapped[str] = mapped_column(Text, default="{}")

    status: Mapped[str] = mapped_column(String(16), index=True, default=PENDING)
    stage: Mapped[str] = mapped_column(String(32), default="waiting")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    eta_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    error_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error_symbol: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error_detail_zh: Mapped[str | None] = mapped_column(Text, nullable=True)
    error_detail_en: Mapped[str | None] = mapped_column(Text, nullable=True)
    error_zh: Mapped[str] = mapped_column(Text, default="")
    error_en: Mapped[str] = mapped_column(Text, default="")
    warnings: Mapped[str] = mapped_column(Text, default="[]")

    video_key: Mapped[str | None] = mapped_column(String(512), nullable=True)
    poster_key: Mapped[str | None] = mapped_column(String(512), nullable=True)
    output_bytes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    output_duration_us: Mapped[int | None] = mapped_column(Integer, nullable=True)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    frames: Mapped[int | None] = mapped_column(Integer, nullable=True)

    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    worker_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    callback_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    callback_state: Mapped[str | None] = mapped_column(String(32), nullable=True)

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
