"""``draftrender`` command: ``serve`` (API), more subcommands come with the renderer and workers."""
from __future__ import annotations

import argparse
import sys


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..api.app import create_app
    from ..settings import Settings

    overrides = {k: v for k, v in {"host": args.host, "port": args.port, "data_dir": args.data_dir}.items()
                 if v is not None}
    settings = Settings(**overrides)
    app = create_app(settings)
    print(f"draftrender API on http://{settings.host}:{settings.port}{settings.api_prefix}/ "
          f"(docs: /docs, data: {settings.data_dir.resolve()})", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=args.log_level)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="draftrender", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default=None, help="bind address (DRAFTRENDER_HOST)")
    serve.add_argument("--port", type=int, default=None, help="port (DRAFTRENDER_PORT)")
    serve.add_argument("--data-dir", default=None, help="data folder (DRAFTRENDER_DATA_DIR)")
    serve.add_argument("--log-level", default="info")
    serve.set_defaults(func=_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
