"""GET /health: is the task store reachable, how many tasks wait — for load balancers and ops."""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ..deps import JobsDep

router = APIRouter(tags=["ops"])


@router.get("/health", summary="Liveness and task-store reachability")
def health(jobs: JobsDep) -> JSONResponse:
    try:
        active = jobs.active_count()
    except Exception as exc:  # noqa: BLE001 — report, never raise, from a health check
        return JSONResponse({"status": "unhealthy", "task_store": f"{type(exc).__name__}: {exc}"}, status_code=503)
    return JSONResponse({"status": "ok", "active_tasks": active})
