"""GET /metrics: Prometheus text format, computed from the task table at scrape time."""
from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from ...jobs.models import CANCELLED, COMPLETED, FAILED, PENDING, PROCESSING, utcnow
from ..deps import JobsDep

router = APIRouter(tags=["ops"])
STATUSES = (PENDING, PROCESSING, COMPLETED, FAILED, CANCELLED)


class TaskCollector:
    """Reads TaskStore.stats() once per scrape; no per-process counters to merge across workers."""

    def __init__(self, store) -> None:
        self.store = store

    def collect(self):
        stats = self.store.stats()
        tasks = GaugeMetricFamily("draftrender_tasks", "Render tasks by status", labels=["status"])
        for status in STATUSES:
            tasks.add_metric([status], stats["by_status"].get(status, 0))
        yield tasks
        oldest = stats["oldest_pending"]
        yield GaugeMetricFamily("draftrender_oldest_pending_task_age_seconds",
                                "Age of the oldest task waiting for a worker",
                                value=(utcnow() - oldest).total_seconds() if oldest else 0.0)
        yield CounterMetricFamily("draftrender_task_attempts", "Render attempts started (re-runs included)",
                                  value=stats["attempts"])
        yield CounterMetricFamily("draftrender_output_bytes", "Bytes of video published", value=stats["output_bytes"])
        yield CounterMetricFamily("draftrender_output_video_seconds", "Seconds of video published",
                                  value=stats["output_seconds"])


@router.get("/metrics", summary="Prometheus metrics (task counts, queue age, output volume)")
def metrics(jobs: JobsDep) -> Response:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(TaskCollector(jobs.store))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
