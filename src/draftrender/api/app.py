"""The FastAPI application factory."""
from __future__ import annotations

import logging

from fastapi import APIRouter, FastAPI

from .. import __version__
from ..editing.service import EditingService
from ..settings import Settings
from .errors import install_error_handlers
from .limits import BodyLimit
from ..jobs.service import JobService
from .routes import catalogue, captions, drafts, effects, files, health, helpers, media, metrics, video

ROUTE_MODULES = (drafts, media, captions, effects, catalogue, helpers, video)


def build_router() -> APIRouter:
    """All capcut-mate routes in one router, mounted under each API prefix."""
    router = APIRouter()
    for module in ROUTE_MODULES:
        router.include_router(module.router)
    return router


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app with its services; nothing global, so tests can make many."""
    settings = settings or Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.tmp_dir.mkdir(parents=True, exist_ok=True)
    app = FastAPI(
        title="draftrender",
        version=__version__,
        description="CapCut/JianYing drafts: capcut-mate compatible editing API and a headless renderer.",
    )
    app.state.settings = settings
    app.state.editing = EditingService(settings)
    app.state.jobs = JobService(settings)
    install_error_handlers(app)
    router = build_router()
    app.include_router(router, prefix=settings.api_prefix)
    app.include_router(router, prefix="/v1", include_in_schema=False)
    app.include_router(files.router)
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    logging.getLogger("draftrender").setLevel(logging.INFO)
    return app
