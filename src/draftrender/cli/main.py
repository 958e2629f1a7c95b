"""``draftrender`` command: ``serve`` (API + workers), ``worker`` (workers only), ``render`` (one draft to MP4)."""
from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from pathlib import Path


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..api.app import create_app
    from ..settings import Settings

    overrides = {k: v for k, v in {"host": args.host, "port": args.port, "data_dir": args.data_dir}.items()
                 if v is not None}
    if args.workers is not None:
        overrides["workers"] = args.workers
    settings = Settings(**overrides)
    app = create_app(settings)
    workers = None
    if settings.workers > 0:
        from ..jobs.embedded import EmbeddedWorkers

        workers = EmbeddedWorkers(settings, settings.workers).start()
    print(f"draftrender API on http://{settings.host}:{settings.port}{settings.api_prefix}/ "
          f"(docs: /docs, data: {settings.data_dir.resolve()}, render workers: {settings.workers})", flush=True)
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level=args.log_level)
    finally:
        if workers is not None:
            workers.stop()
    return 0


def _worker(args: argparse.Namespace) -> int:
    import logging

    from ..jobs.worker import Worker
    from ..settings import Settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    overrides = {"data_dir": args.data_dir} if args.data_dir else {}
    settings = Settings(**overrides)
    concurrency = args.concurrency or max(1, settings.workers)
    print(f"draftrender worker: {concurrency} render process(es), queue "
          f"{'redis' if settings.redis_url else 'sqlite'}, store {settings.task_db_url.split(':')[0]}", flush=True)
    Worker(settings, concurrency, "process", parent_pid=args.parent_pid).run()
    return 0


@contextlib.contextmanager
def _local_draft(draft: str, path_map: dict[str, str]):
    """A local path as is; an http(s) draft_url (any gen_video form) downloaded to a temp folder."""
    if not draft.lower().startswith(("http://", "https://")):
        yield draft, path_map
        return
    from .. import sources
    from ..settings import Settings

    settings = Settings()
    ref = sources.identify(draft, settings, lambda draft_id: (settings.drafts_dir / draft_id).is_dir())
    with tempfile.TemporaryDirectory(prefix="draftrender-") as work:
        local = sources.materialize(ref, settings, Path(work))
        yield local.draft_file, {**local.path_map, **path_map}


def _render(args: argparse.Namespace) -> int:
    from ..errors import ServiceError
    from ..render.draft import OutputSpec, render_draft
    from ..render.pipeline import RenderOptions
    from .progress import ProgressBar

    height = args.height
    if args.resolution:
        height = int(args.resolution.lower().rstrip("p"))
    spec = OutputSpec(width=args.width, height=height, fps=args.fps, preview=args.preview)
    options = RenderOptions(
        crf=args.crf, preset=args.preset,
        start_us=None if args.start is None else int(args.start * 1_000_000),
        end_us=None if args.end is None else int(args.end * 1_000_000),
    )
    path_map = dict(item.split("=", 1) for item in args.map or [])
    bar = ProgressBar(enabled=not args.quiet)
    try:
        with _local_draft(args.draft, path_map) as (draft, mapping):
            result = render_draft(draft, args.output, spec, options, mapping, progress=bar.update)
    except ServiceError as exc:
        bar.close()
        print(f"error: {exc.text('en')}", file=sys.stderr)
        return 2
    bar.close()
    print(f"wrote {result.path} ({result.width}x{result.height}, {result.frames} frames, "
          f"{result.duration_us / 1e6:.3f} s)")
    for w in result.warnings:
        where = f" [segment {w.segment_id}]" if w.segment_id else ""
        print(f"warning: {w.kind} {w.name!r}{where}: {w.action}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="draftrender", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default=None, help="bind address (DRAFTRENDER_HOST)")
    serve.add_argument("--port", type=int, default=None, help="port (DRAFTRENDER_PORT)")
    serve.add_argument("--data-dir", default=None, help="data folder (DRAFTRENDER_DATA_DIR)")
    serve.add_argument("--workers", type=int, default=None,
                       help="render processes started beside the API (DRAFTRENDER_WORKERS; 0 = none)")
    serve.add_argument("--log-level", default="info")
    serve.set_defaults(func=_serve)

    worker = sub.add_parser("worker", help="run render workers (same database, queue and storage as the API)")
    worker.add_argument("--concurrency", type=int, default=None, help="render processes (default DRAFTRENDER_WORKERS)")
    worker.add_argument("--data-dir", default=None, help="data folder (DRAFTRENDER_DATA_DIR)")
    worker.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)
    worker.set_defaults(func=_worker)

    render = sub.add_parser("render", help="render a draft folder or draft_content.json to MP4")
    render.add_argument("draft", help="draft folder, draft_content.json, draft_info.json, or a draft URL "
                                      "(any gen_video draft_url form: capcut-mate get_draft, .json, .zip)")
    render.add_argument("-o", "--output", required=True, help="output .mp4 path")
    render.add_argument("--width", type=int, help="output width (default: the draft canvas)")
    render.add_argument("--height", type=int, help="output height")
    render.add_argument("--resolution", help="output height as 480p/720p/1080p, aspect kept")
    render.add_argument("--fps", type=float, help="output frame rate (default: the draft's)")
    render.add_argument("--crf", type=int, default=23, help="x264 quality (lower = better)")
    render.add_argument("--preset", default="veryfast", help="x264 preset")
    render.add_argument("--from", dest="start", type=float, help="start time in seconds")
    render.add_argument("--to", dest="end", type=float, help="end time in seconds")
    render.add_argument("--preview", action="store_true", help="fast small render (360p, ultrafast)")
    render.add_argument("--map", action="append", metavar="RECORDED=LOCAL",
                        help="map a recorded material path prefix onto a local folder (repeatable)")
    render.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    render.set_defaults(func=_render)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
