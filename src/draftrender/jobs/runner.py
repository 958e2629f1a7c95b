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
from ..render.draft import OutputSpec, load_draft_json, render_draft
from ..render.gif import mp4_to_gif
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
GIF_RENDER_HEIGHT = 360  # a GIF is at most 480 px wide: no need to render the draft larger


class Stop(Exception):
    """The render must stop: cancelled by the user, past its time limit, or the lease was lost."""


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
    """Fetch the draft, render it, publish video (+ poster); return the task's output fields."""
    opts = TaskOptions.from_dict(json.loads(task.options or "{}"))
    store_ids = lambda draft_id: (settings.drafts_dir / draft_id).is_dir()  # noqa: E731
    ref = sources.identify(task.draft_url, settings, store_ids)
    reporter.at("draft_parsed")
    workdir.mkdir(parents=True, exist_ok=True)
    reporter.at("environment_ready")

    def check() -> None:
        if lease.should_stop():
            raise Stop()

    local = sources.materialize(ref, settings, workdir, progress=reporter.bytes, should_stop=lease.should_stop)
    check()
    reporter.at("materials_processed")
    out = workdir / "out" / f"{task.id}.mp4"
    result = render_draft(local.draft_file, out, _output_spec(opts, local.draft_file),
                          _render_options(opts, settings), local.path_map,
                          progress=reporter.frames, should_stop=lease.should_stop)
    reporter.at("file_generated")
    check()
    warnings = warning_dicts(result.warnings)
    published, content_type = out, "video/mp4"
    facts = dict(width=result.width, height=result.height, frames=result.frames)
    if opts.format == "gif":
        made = mp4_to_gif(out, out.with_suffix(".gif"))
        published, content_type = made.path, "image/gif"
        facts = dict(width=made.width, height=made.height, frames=made.frames)
        warnings.append({"kind": "output", "name": "gif", "segment_id": None,
                         "action": f"GIF at {made.width}x{made.height}, {float(made.fps):g} fps, 256 colours, no sound"})
        check()
    values = dict(video_key=f"{task.id}.{opts.format}", output_bytes=published.stat().st_size,
                  output_duration_us=result.duration_us, warnings=json.dumps(warnings, ensure_ascii=False), **facts)
    _publish(make_storage(settings), task.id, out if opts.poster else None, published, content_type, values)
    check()
    return values


def _output_spec(opts: TaskOptions, draft_file: Path) -> OutputSpec:
    height = opts.height
    if opts.format == "gif" and not (opts.width or opts.height):
        height = _gif_height(draft_file)
    return OutputSpec(width=opts.width, height=height, fps=opts.fps, preview=opts.preview)


def _render_options(opts: TaskOptions, settings: Settings) -> RenderOptions:
    return RenderOptions(
        crf=opts.effective_crf, preset=opts.preset, threads=settings.render_threads,
        start_us=None if opts.start_s is None else int(opts.start_s * 1_000_000),
        end_us=None if opts.end_s is None else int(opts.end_s * 1_000_000),
    )


def _publish(storage, task_id: str, poster_from: Path | None, published: Path, content_type: str,
             values: dict) -> None:
    """Poster first, the video last: a task's video key only ever names a complete upload."""
    try:
        if poster_from is not None:
            poster = write_poster(poster_from, published.parent / f"{task_id}.jpg")
            if poster is not None:
                storage.publish(poster, f"{task_id}.jpg", "image/jpeg")
                values["poster_key"] = f"{task_id}.jpg"
        storage.publish(published, values["video_key"], content_type)
    except Exception as exc:  # noqa: BLE001 — storage backends raise their own types
        raise ServiceError("OUTPUT_STORAGE_FAILED", str(exc)) from exc


def _gif_height(draft_file: Path) -> int:
    """A GIF is at most 480 px wide: render no larger than 360 lines (nor than the canvas)."""
    canvas = load_draft_json(draft_file).get("canvas_config") or {}
    return min(int(canvas.get("height") or GIF_RENDER_HEIGHT), GIF_RENDER_HEIGHT)


def _notify(store: TaskStore, settings: Settings, task_id: str) -> None:
    task = store.get(task_id)
    if task is not None and task.callback_url:
        threading.Thread(target=send_callback, args=(settings, task_id), daemon=False,
                         name=f"callback-{task_id[:8]}").start()
