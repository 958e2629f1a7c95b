"""The real service over real HTTP: edit → gen_video → poll → Range download → decode; a worker
killed with SIGKILL mid-render; an API restart."""
from __future__ import annotations

import json
import time

import httpx
import pytest

from draftkit import video_facts
from procs import free_port, start_service, start_worker
from support import PREFIX


class Client:
    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.http = httpx.Client(trust_env=False, timeout=30)

    def post(self, endpoint: str, body: dict) -> dict:
        r = self.http.post(f"{self.base}{PREFIX}/{endpoint}", json=body)
        data = r.json()
        assert r.status_code == 200 and data["code"] == 0, (endpoint, r.status_code, data)
        return data

    def draft(self, media, width: int, height: int, seconds: float) -> str:
        url = self.post("create_draft", {"width": width, "height": height})["draft_url"]
        us = int(seconds * 1_000_000)
        self.post("add_videos", {"draft_url": url, "video_infos": json.dumps(
            [{"video_url": media.url("clip.mp4"), "start": 0, "end": us}])})
        self.post("add_audios", {"draft_url": url, "audio_infos": json.dumps(
            [{"audio_url": media.url("tone.mp3"), "start": 0, "end": us}])})
        return url

    def wait_for(self, body: dict, predicate, timeout: float = 90) -> list[dict]:
        seen, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            data = self.post("gen_video_status", body)
            seen.append(data)
            if predicate(data):
                return seen
            time.sleep(0.05)
        raise AssertionError(f"timed out; last status {seen[-1] if seen else None}")


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


def test_end_to_end_over_http(tmp_path, data_dir, media_server):
    port = free_port()
    service = start_service(data_dir, port, tmp_path / "serve.log", workers="1")
    try:
        api = Client(port)
        url = api.draft(media_server, 320, 180, 2.0)
        submitted = api.post("gen_video", {"draft_url": url})
        assert submitted["video_url"] == ""
        seen = api.wait_for({"draft_url": url}, lambda d: d["status"] in ("completed", "failed"))
        final = seen[-1]
        assert final["status"] == "completed", (final, service.tail())
        progress = [s["progress"] for s in seen]
        assert progress == sorted(progress)
        assert final["video_url"].startswith(f"http://127.0.0.1:{port}/files/outputs/")
        part = api.http.get(final["video_url"], headers={"Range": "bytes=0-1023"})
        assert part.status_code == 206 and part.headers["content-range"].startswith("bytes 0-1023/")
        size = int(part.headers["content-range"].split("/")[1])
        assert size == final["output"]["size_bytes"]
        out = tmp_path / "out.mp4"
        out.write_bytes(api.http.get(final["video_url"]).content)
        facts = video_facts(out)
        assert (facts["width"], facts["height"], facts["frames"]) == (320, 180, 60) and facts["audio_rate"] == 48000
    finally:
        service.stop()


def test_killed_worker_task_completes_once_and_restart_keeps_tasks(tmp_path, data_dir, media_server):
    port = free_port()
    service = start_service(data_dir, port, tmp_path / "serve.log", workers="0")
    first = start_worker(data_dir, tmp_path / "worker1.log")
    second = None
    try:
        api = Client(port)
        url = api.draft(media_server, 1920, 1080, 5.0)
        task = api.post("gen_video", {"draft_url": url, "quality": "high"})
        api.wait_for({"task_id": task["task_id"]}, lambda d: d["stage"] == "rendering" or d["status"] != "pending"
                     and d["progress"] >= 55)
        mid = api.post("gen_video_status", {"task_id": task["task_id"]})
        assert mid["status"] == "processing" and mid["progress"] < 90, (mid, first.tail())
        first.kill9()
        frozen = api.post("gen_video_status", {"task_id": task["task_id"]})
        assert frozen["status"] == "processing"
        second = start_worker(data_dir, tmp_path / "worker2.log")
        seen = api.wait_for({"task_id": task["task_id"]}, lambda d: d["status"] in ("completed", "failed"), 120)
        final = seen[-1]
        assert final["status"] == "completed", (final, second.tail())
        assert final["attempts"] == 2
        progress = [s["progress"] for s in seen]
        assert progress == sorted(progress), progress  # never backwards, even across the re-run
        outputs = sorted(p.name for p in (data_dir / "outputs").iterdir())
        assert outputs == [f"{task['task_id']}.jpg", f"{task['task_id']}.mp4"], outputs
        out = tmp_path / "out.mp4"
        out.write_bytes(api.http.get(final["video_url"]).content)
        assert video_facts(out)["frames"] == final["output"]["frames"] == 150

        # restart the API: every task still answers
        service.stop()
        service = start_service(data_dir, port, tmp_path / "serve2.log", workers="0")
        again = api.post("gen_video_status", {"draft_url": url})
        assert again["status"] == "completed" and again["video_url"] == final["video_url"]
        assert api.post("gen_video", {"draft_url": url, "quality": "high"})["message"] == "视频生成成功"
    finally:
        service.stop()
        first.stop()
        if second is not None:
            second.stop()


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in open(f"/proc/{pid}/task/{pid}/children").read().split()]
    except FileNotFoundError:
        return []


def _alive(pid: int) -> bool:
    try:
        return open(f"/proc/{pid}/stat").read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_render_workers_of_a_killed_service_stop(tmp_path, data_dir):
    service = start_service(data_dir, free_port(), tmp_path / "serve.log", workers="1")
    deadline = time.monotonic() + 20
    while not (kids := _children(service.popen.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert kids, service.tail()
    service.kill9()
    deadline = time.monotonic() + 15
    while any(_alive(k) for k in kids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(k) for k in kids), "orphan render workers kept running"
