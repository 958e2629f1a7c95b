"""TaskStore transitions on SQLite and PostgreSQL: one active task per draft, CAS claims, leases."""
from __future__ import annotations

import time
import uuid

import pytest

from draftrender.errors import ServiceError
from draftrender.jobs.models import CANCELLED, COMPLETED, FAILED, PENDING, PROCESSING
from draftrender.jobs.store import TaskStore


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return TaskStore(f"sqlite:///{tmp_path / 'tasks.db'}")
    return TaskStore(request.getfixturevalue("pg_url"))


def fields(key: str = "own:d1", fingerprint: str = "f1") -> dict:
    return dict(key=key, draft_url=f"http://x/get_draft?draft_id={key}", source_kind="own", draft_id=key,
                fingerprint=fingerprint, options="{}", max_attempts=2)


def test_one_active_task_per_draft_and_reuse_of_a_finished_render(store):
    task, how = store.submit(fields(), force=False, max_queued=10)
    assert how == "created" and task.status == PENDING and task.progress == 0
    again, how = store.submit(fields(fingerprint="changed"), force=True, max_queued=10)
    assert how == "active" and again.id == task.id

    assert store.claim(task.id, "w1").status == PROCESSING
    assert store.complete(task.id, "w1", dict(video_key="v.mp4"))
    done = store.get(task.id)
    assert done.status == COMPLETED and done.progress == 100 and done.active_key is None

    same, how = store.submit(fields(), force=False, max_queued=10)
    assert how == "reused" and same.id == task.id
    changed, how = store.submit(fields(fingerprint="f2"), force=False, max_queued=10)
    assert how == "created" and changed.id != task.id
    store.claim(changed.id, "w1")
    store.complete(changed.id, "w1", {})
    forced, how = store.submit(fields(fingerprint="f2"), force=True, max_queued=10)
    assert how == "created" and forced.id not in (task.id, changed.id)
    assert store.latest_for_key("own:d1").id == forced.id


def test_claim_is_won_once(store):
    task, _ = store.submit(fields(), force=False, max_queued=10)
    assert store.claim(task.id, "w1") is not None
    assert store.claim(task.id, "w2") is None
    got = store.get(task.id)
    assert got.worker_id == "w1" and got.attempts == 1 and got.progress == 10 and got.started_at is not None


def test_queue_bound_answers_busy(store):
    for i in range(3):
        store.submit(fields(key=f"own:{i}"), force=False, max_queued=3)
    with pytest.raises(ServiceError) as err:
        store.submit(fields(key="own:x"), force=False, max_queued=3)
    assert err.value.status == 503 and err.value.kind.symbol == "SERVICE_BUSY"
    assert store.active_count() == 3


def test_progress_never_goes_backwards_and_only_the_lease_holder_writes(store):
    task, _ = store.submit(fields(), force=False, max_queued=10)
    store.claim(task.id, "w1")
    store.progress(task.id, "w1", 60, "rendering", 3.0)
    store.progress(task.id, "w1", 40, "rendering", 3.0)
    store.progress(task.id, "intruder", 80, "rendering", 1.0)
    got = store.get(task.id)
    assert got.progress == 60 and got.eta_s == 3.0


def test_reaper_requeues_stale_work_then_fails_after_the_last_attempt(store):
    task, _ = store.submit(fields(), force=False, max_queued=10)
    store.claim(task.id, "dead-worker")
    assert store.reap(lease_s=60, requeue_after_s=60) == []  # fresh heartbeat: left alone
    time.sleep(0.3)
    assert store.reap(lease_s=0.2, requeue_after_s=60) == [task.id]
    again = store.get(task.id)
    assert again.status == PENDING and again.worker_id is None
    assert not store.heartbeat(task.id, "dead-worker")  # the old worker lost its lease
    assert not store.complete(task.id, "dead-worker", {})
    store.claim(task.id, "w2")  # attempt 2 of 2
    time.sleep(0.3)
    assert store.reap(lease_s=0.2, requeue_after_s=60) == []
    final = store.get(task.id)
    assert final.status == FAILED and final.error_code == 2050 and "2" in final.error_en
    assert final.active_key is None


def test_unclaimed_pending_tasks_are_enqueued_again(store):
    task, _ = store.submit(fields(), force=False, max_queued=10)
    time.sleep(0.3)
    assert store.reap(lease_s=60, requeue_after_s=0.2) == [task.id]
    assert store.reap(lease_s=60, requeue_after_s=0.2) == []  # enqueued_at was bumped


def test_cancel_pending_at_once_and_processing_by_request(store):
    a, _ = store.submit(fields(key="own:a"), force=False, max_queued=10)
    b, _ = store.submit(fields(key="own:b"), force=False, max_queued=10)
    assert store.cancel(a.id).status == CANCELLED
    store.claim(b.id, "w1")
    assert store.cancel(b.id).status == PROCESSING
    assert store.cancel_requested(b.id)
    assert store.fail(b.id, "w1", ServiceError("TASK_CANCELLED"), status=CANCELLED)
    got = store.get(b.id)
    assert got.status == CANCELLED and got.error_zh.startswith("任务已取消") and got.progress == 0


def test_concurrent_submissions_make_one_task(store):
    from concurrent.futures import ThreadPoolExecutor

    key = f"own:{uuid.uuid4().hex}"
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: store.submit(fields(key=key), force=False, max_queued=100), range(16)))
    assert len({task.id for task, _ in results}) == 1
    assert sum(how == "created" for _, how in results) == 1


def test_stats_for_metrics(store):
    a, _ = store.submit(fields(key="own:a"), force=False, max_queued=10)
    b, _ = store.submit(fields(key="own:b"), force=False, max_queued=10)
    store.claim(a.id, "w1")
    store.complete(a.id, "w1", dict(output_bytes=1000, output_duration_us=2_500_000))
    stats = store.stats()
    assert stats["by_status"] == {COMPLETED: 1, PENDING: 1}
    assert stats["oldest_pending"] == store.get(b.id).created_at
    assert (stats["attempts"], stats["output_bytes"], stats["output_seconds"], stats["outputs"]) == (1, 1000, 2.5, 1)


def test_overdue_pending_tasks_are_resent_only_when_messages_are_missing(store):
    tasks = [store.submit(fields(key=f"own:q{i}"), force=False, max_queued=10)[0] for i in range(3)]
    time.sleep(0.3)
    assert store.reap(lease_s=60, requeue_after_s=0.2, queued=3) == []  # every task has its message
    assert store.reap(lease_s=60, requeue_after_s=0.2, queued=1) == [tasks[0].id, tasks[1].id]  # two lost
