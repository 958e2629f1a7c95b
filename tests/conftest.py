"""Shared fixtures: a local media server, an app on a temp data dir, generated test media."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from mediagen import make_fixture_media  # noqa: E402
from support import LOOPBACK, Api, StaticServer  # noqa: E402

from draftrender.api.app import create_app  # noqa: E402
from draftrender.settings import Settings  # noqa: E402


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    """clip.mp4, pic.png, tone.mp3 like the fixture's, made once per test session."""
    folder = tmp_path_factory.mktemp("media")
    make_fixture_media(folder)
    (folder / "not_media.mp4").write_bytes(b"this is not a video" * 10)
    return folder


@pytest.fixture(scope="session")
def media_server(media_dir):
    server = StaticServer(media_dir)
    yield server
    server.close()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", allow_networks=LOOPBACK,
                    public_base_url="http://testserver", download_retries=1,
                    download_deadline_s=20)


@pytest.fixture
def app(settings):
    return create_app(settings)


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


@pytest.fixture
def api(client) -> Api:
    return Api(client)
