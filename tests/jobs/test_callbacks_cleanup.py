"""Callbacks (signed, retried), render options (range, size), retention cleanup."""
from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading
from datetime import timedelta

import pytest

from draftrender.jobs.models import utcnow
from draftrender.jobs.store import TaskStore
from draftrender.jobs.worker import Worker, cleanup
from test_api_video import make_draft, poll


class Receiver:
    """A loopback HTTP server that answers 503 first, then records the POSTs."""

    def __init__(self, fail_first: int = 1) -> None:
        self.bodies: list[tuple[bytes, dict]] = []
        self.fail_left = fail_first
        self.got = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if outer.fail_left > 0:
                    outer.fail_left -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                outer.bodies.append((body, dict(self.headers)))
                self.send_response(204)
                self.end_headers()
                outer.got.set()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"lease_s": 2.0, "callback_secret": "s3cret"})


@pytest.fixture
def worker(settings):
    w = Worker(settings, 1, "thread").start()
    yield w
    w.stop()


def test_callback_is_signed_and_retried(api, media_server, worker, monkeypatch):
    import draftrender.jobs.callbacks as callbacks

    real = callbacks.send_callback
    monkeypatch.setattr(callbacks, "send_callback", lambda s, t: real(s, t, backoff_s=0.05))
    receiver = Receiver(fail_first=1)
    try:
        url = make_draft(api, media_server, 0.5)
        task = api.ok("gen_video", {"draft_url": url, "callback_url": receiver.url})
        poll(api, {"task_id": task["task_id"]})
        assert receiver.got.wait(15), "no callback arrived"
        body, headers = receiver.bodies[0]
        expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
        assert headers["X-Draftrender-Signature"] == expected
        data = json.loads(body)
        assert data["status"] == "completed" and data["task_id"] == task["task_id"] and data["video_url"]
    finally:
        receiver.close()


def test_time_range_and_output_size_options(api, media_server, worker):
    url = make_draft(api, media_server, 2.0)
    task = api.ok("gen_video", {"draft_url": url, "start": 0.5, "end": 1.5, "height": 90})
    final = poll(api, {"task_id": task["task_id"]})[-1]
    assert final["status"] == "completed", final
    assert final["output"]["frames"] == 30 and (final["output"]["width"], final["output"]["height"]) == (160, 90)


def test_retention_removes_old_outputs(api, media_server, worker, settings):
    url = make_draft(api, media_server, 0.5)
    task = api.ok("gen_video", {"draft_url": url, "wait": True, "timeout": 60})
    video = settings.outputs_dir / f"{task['task_id']}.mp4"
    assert video.is_file()
    store = TaskStore(settings.task_db_url)
    assert cleanup(settings, store) == 0  # fresh output kept
    store.set_fields(task["task_id"], completed_at=utcnow() - timedelta(days=settings.retention_days + 1))
    assert cleanup(settings, store) == 1
    assert not video.exists()
    data = api.ok("gen_video_status", {"task_id": task["task_id"]})
    assert data["status"] == "completed" and data["video_url"] == "" and data["stage"] == "expired"


def test_gif_output(api, client, media_server, worker, tmp_path):
    import av

    url = make_draft(api, media_server, 1.0)
    data = api.ok("gen_video", {"draft_url": url, "format": "gif", "wait": True, "timeout": 60})
    assert data["status"] == "completed" and data["video_url"].endswith(".gif")
    r = client.get(data["video_url"].split("testserver", 1)[1])
    assert r.headers["content-type"] == "image/gif" and r.content[:6] == b"GIF89a"
    (tmp_path / "o.gif").write_bytes(r.content)
    with av.open(str(tmp_path / "o.gif")) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    assert len(frames) == data["output"]["frames"] == 12 and frames[0].shape == (180, 320, 3)
    assert any(w["kind"] == "output" and w["name"] == "gif" for w in data["warnings"])
    # the first frame shows the clip's picture, not a blank one
    assert frames[0].std() > 10
    api.both_languages("gen_video", {"draft_url": url, "format": "webm"}, status=400, code=1001)
