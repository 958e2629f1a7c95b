"""gen_video / gen_video_status / active_count / cancel through the app, with a worker thread."""
from __future__ import annotations

import json
import time

import pytest

from draftkit import video_facts
from draftrender.jobs.worker import Worker
from support import PREFIX


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"lease_s": 2.0, "max_queued": 5})


@pytest.fixture
def worker(settings):
    w = Worker(settings, 1, "thread").start()
    yield w
    w.stop()


def make_draft(api, media_server, seconds: float = 2.0, size: tuple[int, int] = (320, 180)) -> str:
    url = api.create_draft(*size)
    api.ok("add_videos", {"draft_url": url, "video_infos": json.dumps(
        [{"video_url": media_server.url("clip.mp4"), "start": 0, "end": int(seconds * 1_000_000)}])})
    api.ok("add_audios", {"draft_url": url, "audio_infos": json.dumps(
        [{"audio_url": media_server.url("tone.mp3"), "start": 0, "end": int(seconds * 1_000_000)}])})
    return url


def poll(api, body: dict, until=("completed", "failed"), timeout: float = 60) -> list[dict]:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, data = api.post("gen_video_status", body)
        assert status == 200, data
        seen.append(data)
        if data["status"] in until:
            return seen
        time.sleep(0.1)
    raise AssertionError(f"task did not reach {until}: {seen[-1]}")


def download(client, url: str, tmp_path, name="out.mp4"):
    path = url.split("testserver", 1)[1]
    head = client.head(path)
    assert head.status_code == 200 and head.headers["accept-ranges"] == "bytes"
    part = client.get(path, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100
    whole = client.get(path)
    assert whole.content[:100] == part.content
    out = tmp_path / name
    out.write_bytes(whole.content)
    return out


def test_gen_video_renders_in_the_background(api, client, media_server, worker, tmp_path):
    url = make_draft(api, media_server)
    status, data = api.post("gen_video", {"draft_url": url})
    assert status == 200 and data["code"] == 0
    assert data["message"] == "视频生成任务已提交，请使用draft_url查询进度" and data["video_url"] == ""
    assert data["status"] in ("pending", "processing") and data["task_id"]
    seen = poll(api, {"draft_url": url})
    final = seen[-1]
    assert final["status"] == "completed", final
    assert final["progress"] == 100 and final["error_message"] == ""
    assert final["created_at"].endswith("Z") and final["completed_at"].endswith("Z")
    progress = [s["progress"] for s in seen]
    assert progress == sorted(progress), progress
    assert final["output"]["width"] == 320 and final["output"]["frames"] == 60
    facts = video_facts(download(client, final["video_url"], tmp_path))
    assert (facts["width"], facts["height"], facts["frames"]) == (320, 180, 60)
    assert facts["audio_rate"] == 48000
    assert client.get(final["poster_url"].split("testserver", 1)[1]).headers["content-type"] == "image/jpeg"

    # the same unchanged draft: the finished video, no new render (seed 004's polling client)
    status, again = api.post("gen_video", {"draft_url": url})
    assert again["message"] == "视频生成成功" and again["video_url"] == final["video_url"]
    assert again["task_id"] == final["task_id"]
    # force → a new task; the same draft by another URL form finds it
    status, forced = api.post("gen_video", {"draft_url": url, "force": True})
    assert forced["task_id"] != final["task_id"]
    other_form = url.replace("http://testserver", "https://elsewhere.example:8443/prefix") + "&x=1"
    status, found = api.post("gen_video_status", {"draft_url": other_form})
    assert status == 200 and found["task_id"] == forced["task_id"]
    poll(api, {"task_id": forced["task_id"]})


def test_changed_draft_renders_again_and_active_count(api, media_server, worker):
    url = make_draft(api, media_server, 1.0)
    first = api.ok("gen_video", {"draft_url": url, "wait": True, "timeout": 60})
    assert first["status"] == "completed" and first["message"] == "视频生成成功" and first["video_url"]
    api.ok("add_videos", {"draft_url": url, "video_infos": json.dumps(
        [{"video_url": media_server.url("clip.mp4"), "start": 1_000_000, "end": 1_500_000}])})
    second = api.ok("gen_video", {"draft_url": url})
    assert second["task_id"] != first["task_id"]
    status, count = api.get("gen_video_active_count", {})
    assert status == 200 and count["code"] == 0 and count["count"] in (0, 1)
    final = poll(api, {"draft_url": url})[-1]
    assert final["output"]["frames"] == 45


def test_one_task_while_pending(api, media_server):
    url = make_draft(api, media_server, 1.0)  # no worker: stays pending
    a = api.ok("gen_video", {"draft_url": url})
    b = api.ok("gen_video", {"draft_url": url, "force": True, "resolution": "720p"})
    assert a["task_id"] == b["task_id"] and b["status"] == "pending" and b["progress"] == 0
    assert api.get("gen_video_active_count", {})[1]["count"] == 1


def test_wait_times_out_with_504_while_the_task_goes_on(api, media_server):
    url = make_draft(api, media_server, 1.0)  # no worker
    zh, en = api.both_languages("gen_video", {"draft_url": url, "wait": True, "timeout": 0.3}, status=504, code=2056)
    assert zh["error"]["message"] == "处理超时" and en["error"]["message"] == "Processing timeout"
    status, data = api.post("gen_video_status", {"draft_url": url})
    assert data["status"] == "pending"


def test_queue_full_answers_503(api, media_server, settings):
    urls = [make_draft(api, media_server, 0.5) for _ in range(6)]
    for url in urls[:5]:
        api.ok("gen_video", {"draft_url": url})
    zh, en = api.both_languages("gen_video", {"draft_url": urls[5]}, status=503, code=2055)
    assert zh["error"]["message"] == "服务繁忙" and en["error"]["message"] == "Service busy"


def test_cancel_stops_a_running_render_quickly(api, media_server, worker):
    url = make_draft(api, media_server, 8.0, (1920, 1080))
    task = api.ok("gen_video", {"draft_url": url, "quality": "high"})
    poll(api, {"task_id": task["task_id"]}, until=("processing", "completed"))
    started = time.monotonic()
    cancelled = api.ok("gen_video_cancel", {"task_id": task["task_id"]})
    final = poll(api, {"task_id": task["task_id"]}, until=("failed", "completed"), timeout=10)[-1]
    assert final["status"] == "failed" and final["cancelled"], final
    assert time.monotonic() - started < 3
    assert final["error_message"].startswith("任务已取消") and cancelled["task_id"] == task["task_id"]
    # a cancelled (failed) task → gen_video starts a new attempt
    again = api.ok("gen_video", {"draft_url": url, "preview": True})
    assert again["task_id"] != task["task_id"]


def test_cancel_a_pending_task(api, media_server):
    url = make_draft(api, media_server, 1.0)
    task = api.ok("gen_video", {"draft_url": url})
    data = api.ok("gen_video_cancel", {"draft_url": url})
    assert data["status"] == "failed" and data["cancelled"] and data["task_id"] == task["task_id"]
    assert api.get("gen_video_active_count", {})[1]["count"] == 0


def test_failure_is_named_in_error_message(api, media_server, worker, settings):
    url = make_draft(api, media_server, 1.0)
    draft_id = url.split("draft_id=")[1]
    for media in (settings.drafts_dir / draft_id / "assets").rglob("*.mp4"):
        media.write_bytes(b"not a video any more")
    api.ok("gen_video", {"draft_url": url})
    final = poll(api, {"draft_url": url})[-1]
    assert final["status"] == "failed" and final["progress"] == 0
    assert final["error_message"] and "Traceback" not in final["error_message"]
    # failed → gen_video starts a new attempt; waiting for it answers that failure's status and message
    status, data = api.post("gen_video", {"draft_url": url, "wait": True, "timeout": 30})
    assert status in (400, 500) and data["code"] in (2044, 2050, 2053), data
    zh, en = api.both_languages("gen_video", {"draft_url": url, "wait": True, "timeout": 30},
                                status=status, code=data["code"])


def test_bad_input(api, media_server, client):
    api.both_languages("gen_video", {}, status=400, code=2001)
    zh, en = api.both_languages("gen_video", {"draft_url": "  "}, status=400, code=2001)
    assert zh["error"]["message"] == "draft_url是必填项" and en["error"]["message"] == "draft_url is required"
    zh, en = api.both_languages("gen_video", {"draft_url": "not a url"}, status=400, code=2001)
    assert zh["error"]["message"] == "draft_url格式无效" and en["error"]["message"] == "Invalid draft_url format"
    api.both_languages("gen_video", {"draft_url": "ftp://example.com/a.json"}, status=400, code=2001)
    api.both_languages("gen_video", {"draft_url": 12}, status=400, code=1001)
    api.both_languages("gen_video", {"draft_url": "http://testserver" + PREFIX + "/get_draft?draft_id=2026010100000000000000",
                                     "wait": "yes please"}, status=400, code=1001)
    zh, en = api.both_languages(
        "gen_video", {"draft_url": "http://testserver" + PREFIX + "/get_draft?draft_id=2026010100000000000000"},
        status=404, code=2001)
    assert zh["error"]["message"] == "草稿不存在"
    empty = api.create_draft(320, 180)
    zh, en = api.both_languages("gen_video", {"draft_url": empty}, status=400, code=2054)
    assert zh["error"]["message"] == "草稿内容为空" and en["error"]["message"] == "Draft content is empty"
    url = make_draft(api, media_server, 0.5)
    api.both_languages("gen_video", {"draft_url": url, "resolution": "huge"}, status=400, code=1001)
    api.both_languages("gen_video", {"draft_url": url, "start": 3, "end": 1}, status=400, code=1001)
    api.both_languages("gen_video", {"draft_url": url, "callback_url": "file:///etc/passwd"}, status=400, code=1001)
    zh, en = api.both_languages("gen_video_status", {"draft_url": url}, status=404, code=2031)
    assert zh["error"]["code"] == "VIDEO_TASK_NOT_FOUND"
    api.both_languages("gen_video_status", {"task_id": "0" * 32}, status=404, code=2031)
    api.both_languages("gen_video_cancel", {"task_id": "0" * 32}, status=404, code=2031)
    huge = {"draft_url": url, "padding": "x" * (5 * 1024 * 1024)}
    r = client.post(f"{PREFIX}/gen_video", json=huge)
    assert r.status_code == 413 and r.json()["code"] == 1001


def test_health(client):
    r = client.get("/health")
    assert r.status_code == 200 and r.json() == {"status": "ok", "active_tasks": 0}


def test_a_render_past_the_task_time_limit_fails_with_504(api, media_server, settings):
    s = settings.model_copy(update={"task_timeout_s": 0.5})
    w = Worker(s, 1, "thread").start()
    try:
        url = make_draft(api, media_server, 8.0, (1920, 1080))
        zh, en = api.both_languages("gen_video", {"draft_url": url, "wait": True, "timeout": 60}, status=504, code=2056)
        assert "0.5" in en["message"]
        final = api.ok("gen_video_status", {"draft_url": url})
        assert final["status"] == "failed" and final["error_message"].startswith("处理超时")
    finally:
        w.stop()


def test_active_count_is_a_get(api):
    zh, en = api.both_languages("gen_video_active_count", {}, status=405, code=405)
    assert zh["message"].startswith("请求方法不允许") and en["message"].startswith("Method not allowed")


def test_an_unreachable_task_store_answers_the_contracts_500(settings, media_server):
    from fastapi.testclient import TestClient

    from draftrender.api.app import create_app
    from support import Api

    down = settings.model_copy(update={"database_url": "postgresql+psycopg://nobody@127.0.0.1:9/none"})
    with TestClient(create_app(down)) as client:
        api = Api(client)
        url = make_draft(api, media_server, 0.5)
        zh, en = api.both_languages("gen_video", {"draft_url": url}, status=500, code=2030)
        assert en["error"]["code"] == "VIDEO_SUBMIT_FAILED" and "task store unavailable" in en["message"]
        zh, en = api.both_languages("gen_video_status", {"draft_url": url}, status=500, code=2032)
        assert zh["error"]["message"] == "视频任务状态查询失败"
        assert client.get("/health").status_code == 503


def test_metrics_count_tasks_and_output(api, client, media_server, worker):
    from prometheus_client.parser import text_string_to_metric_families

    url = make_draft(api, media_server, 1.0)
    done = api.ok("gen_video", {"draft_url": url, "wait": True, "timeout": 60})
    api.ok("gen_video", {"draft_url": make_draft(api, media_server, 1.0)})  # may still be pending
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for fam in text_string_to_metric_families(r.text) for s in fam.samples}
    assert samples[("draftrender_tasks", (("status", "completed"),))] >= 1
    active = sum(samples[("draftrender_tasks", (("status", st),))] for st in ("pending", "processing", "completed"))
    assert active == 2
    assert samples[("draftrender_output_bytes_total", ())] >= done["output"]["size_bytes"] > 0
    assert samples[("draftrender_output_video_seconds_total", ())] >= 1.0
    assert samples[("draftrender_task_attempts_total", ())] >= 1


def test_seed_clients_poll_until_done_on_v1(api, media_server, worker):
    """Seed 004 calls /v1/gen_video until video_url is set; seed 002 polls /v1/gen_video_status."""
    url = make_draft(api, media_server, 1.0)
    task_ids, deadline = set(), time.monotonic() + 60
    while time.monotonic() < deadline:
        status, data = api.post("gen_video", {"draft_url": url}, prefix="/v1")
        assert status == 200 and data["code"] == 0
        task_ids.add(data["task_id"])
        if data["video_url"]:
            break
        time.sleep(0.1)
    assert data["message"] == "视频生成成功" and len(task_ids) == 1  # polling never started a second render
    status, seen = api.post("gen_video_status", {"draft_url": url}, prefix="/v1")
    assert status == 200 and seen["status"] == "completed" and seen["video_url"] == data["video_url"]
