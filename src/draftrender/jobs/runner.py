"""Run one task in a worker: claim → fetch the draft → render → publish → complete.

Idempotent: every attempt works in its own temp folder and publishes to the task's fixed
storage keys, so a re-run after a crash yields exactly one output.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import threading
import uuid
from pathlib import Path

from .. import sources
from ..errors import ServiceError
from ..render.draft import OutputSpec, render_draft
from ..render.pipeline import Cancelled as RenderCancelled
from ..render.pipeline import RenderOptions
from ..settings import Settings
from ..storage import make_storage
from .callbacks import send_callback
from .lease import Lease
from .models import CANCELLED
from .options import TaskOptions
from .poster import write_poster
from .progress import ProgressReporter
from .store import TaskStore

log = logging.getLogger("draftrender.jobs")


class Stop(Exception):
    """The render must stop: cancelled by the user, or the lease was lost."""


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def warning_dicts(warnings) -> list[dict]:
    return [{"kind": w.kind, "name": w.name, "segment_id": w.segment_id, "action": w.action} for w in warnings]


def run_task(task_id: str, settings: Settings, worker_id: str | None = None) -> str:
    """Execute ``task_id`` if it is still pending; return the status it ended in (or "skipped")."""
    store = TaskStore(settings.task_db_url)
    worker_id = worker_id or new_worker_id()
    task = store.claim(task_id, worker_id)
    if task is None:
        return "skipped"
    log.info("task %s attempt %d on %s", task_id, task.attempts, worker_id)
    workdir = settings.tmp_dir / "tasks" / f"{task_id}-{task.attempts}"
    status = "failed"
    with Lease(store, task_id, worker_id, settings.lease_s, settings.task_timeout_s) as lease:
        reporter = ProgressReporter(lambda p, s, eta: store.progress(task_id, worker_id, p, s, eta))
        try:
            values = _execute(task, settings, workdir, lease, reporter)
            status = "completed" if store.complete(task_id, worker_id, values) else "lost"
        except (Stop, RenderCancelled, sources.Cancelled):
            if lease.cancelled and store.fail(task_id, worker_id, ServiceError("TASK_CANCELLED"), status=CANCELLED):
                status = "cancelled"
            elif lease.timed_out and store.fail(task_id, worker_id, ServiceError(
                    "PROCESSING_TIMEOUT", f"渲染超过 {settings.task_timeout_s:g} 秒",
                    f"the render ran over {settings.task_timeout_s:g} s")):
                status = "failed"
            else:
                status = "lost"
        except ServiceError as exc:
            store.fail(task_id, worker_id, exc)
        except Exception as exc:  # noqa: BLE001 — any bug becomes a named failure, never a hang
            log.exception("task %s crashed", task_id)
            store.fail(task_id, worker_id, ServiceError("VIDEO_RENDER_FAILED", f"{type(exc).__name__}: {exc}"))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    if status != "lost":
        _notify(store, settings, task_id)
    return status


def _execute(task, settings: Settings, workdir: Path, lease: Lease, reporter: ProgressReporter) -> dict:
    opts = TaskOptions.from_dict(json.loads(task.options or "{}"))
    store_ids = lambda draft_id: (settings.drafts_dir / draft_id).is_dir()  # noqa: E731
    ref = sources.identify(task.draft_url, settings, store_ids)
    reporter.at("draft_parsed")
    workdir.mkdir(parents=True, exist_ok=True)
    reporter.at("environment_ready")

    def check() -> bool:
        if lease.should_stop():
            raise Stop()
        return False

    local = sources.materialize(ref, settings, workdir, progress=reporter.bytes, should_stop=lease.should_stop)
    check()
    reporter.at("materials_processed")
    spec = OutputSpec(width=opts.width, height=opts.height, fps=opts.fps, preview=opts.preview)
    options = RenderOptions(
        crf=opts.effective_crf, preset=opts.preset, threads=settings.render_threads,
        start_us=None if opts.start_s is None else int(opts.start_s * 1_000_000),
        end_us=None if opts.end_s is None else int(opts.end_s * 1_000_000),
    )
    out = workdir / "out" / f"{task.id}.mp4"
    result = render_draft(local.draft_file, out, spec, options, local.path_map,
                          progress=reporter.frames, should_stop=lease.should_stop)
    reporter.at("file_generated")
    check()
    storage = make_storage(settings)
    values = dict(video_key=f"{task.id}.mp4", output_bytes=out.stat().st_size,
                  output_duration_us=result.duration_us, width=result.width, height=result.height,
                  frames=result.frames, warnings=json.dumps(warning_dicts(result.warnings), ensure_ascii=False))
    if opts.poster:
        poster = write_poster(out, workdir / "out" / f"{task.id}.jpg")
        if poster is not None:
            storage.publish(poster, f"{task.id}.jpg", "image/jpeg")
            values["poster_key"] = f"{task.id}.jpg"
    try:
        storage.publish(out, values["video_key"], "video/mp4")
    except Exception as exc:  # noqa: BLE001 — storage backends raise their own types
        raise ServiceError("OUTPUT_STORAGE_FAILED", str(exc)) from exc
    check()
    return values


def _notify(store: TaskStore, settings: Settings, task_id: str) -> None:
    task = store.get(task_id)
    if task is not None and task.callback_url:
        threading.Thread(target=send_callback, args=(settings, task_id), daemon=False,
                         name=f"callback-{task_id[:8]}").start()
