"""Two worker processes sharing PostgreSQL (tasks) and Redis (queue) render two drafts at once."""
from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient

from draftrender.api.app import create_app
from procs import start_worker
from support import Api


@pytest.fixture
def dist_settings(settings, pg_url, redis_url):
    return settings.model_copy(update={"database_url": pg_url, "redis_url": redis_url, "lease_s": 3.0})


def test_two_workers_render_two_drafts_independently(tmp_path, dist_settings, media_server, pg_url, redis_url):
    s = dist_settings
    workers = [start_worker(s.data_dir, tmp_path / f"w{i}.log", database_url=pg_url, redis_url=redis_url,
                            lease_s="3") for i in range(2)]
    try:
        with TestClient(create_app(s)) as client:
            api = Api(client)
            urls = []
            for _ in range(2):
                url = api.create_draft(960, 540)
                api.ok("add_videos", {"draft_url": url, "video_infos": json.dumps(
                    [{"video_url": media_server.url("clip.mp4"), "start": 0, "end": 5_000_000}])})
                urls.append(url)
            tasks = [api.ok("gen_video", {"draft_url": url})["task_id"] for url in urls]
            history = {t: [] for t in tasks}
            both_running = False
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                views = [api.ok("gen_video_status", {"task_id": t}) for t in tasks]
                for t, v in zip(tasks, views):
                    history[t].append(v)
                if all(v["status"] == "processing" for v in views):
                    both_running = True
                if all(v["status"] in ("completed", "failed") for v in views):
                    break
                time.sleep(0.05)
            finals = [history[t][-1] for t in tasks]
            assert [f["status"] for f in finals] == ["completed", "completed"], (finals, workers[0].tail())
            assert both_running, "the two tasks never ran at the same time"
            assert finals[0]["worker"] != finals[1]["worker"]
            for t in tasks:
                progress = [v["progress"] for v in history[t]]
                assert progress == sorted(progress)
            # independent: at some poll the two progresses differ
            pairs = zip(history[tasks[0]], history[tasks[1]])
            assert any(a["progress"] != b["progress"] for a, b in pairs)
    finally:
        for w in workers:
            w.stop()
