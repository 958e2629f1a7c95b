"""Test helpers shared by test modules (kept out of conftest.py so imports are unambiguous)."""
from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

from draftrender.settings import Settings

PREFIX = "/openapi/capcut-mate/v1"
FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "capcut-mate-draft1"
LOOPBACK = "127.0.0.0/8,::1/128"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


class StaticServer:
    """A threaded static HTTP server on 127.0.0.1 serving ``root``."""

    def __init__(self, root: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.root = root
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Api:
    """Calls routes the way capcut-mate's clients do and returns (status, body)."""

    def __init__(self, client) -> None:
        self.client = client

    def post(self, endpoint: str, body: dict, *, lang: str | None = None, prefix: str = PREFIX):
        headers = {"Accept-Language": lang} if lang else {}
        r = self.client.post(f"{prefix}/{endpoint}", json=body, headers=headers)
        return r.status_code, r.json()

    def get(self, endpoint: str, params: dict, *, lang: str | None = None, prefix: str = PREFIX):
        headers = {"Accept-Language": lang} if lang else {}
        r = self.client.get(f"{prefix}/{endpoint}", params=params, headers=headers)
        return r.status_code, r.json()

    def ok(self, endpoint: str, body: dict) -> dict:
        status, data = self.post(endpoint, body)
        assert status == 200 and data["code"] == 0, (endpoint, status, data)
        return data

    def create_draft(self, width: int = 1920, height: int = 1080) -> str:
        return self.ok("create_draft", {"width": width, "height": height})["draft_url"]

    def both_languages(self, endpoint: str, body: dict, *, status: int, code: int) -> tuple[dict, dict]:
        """Send the same bad request in Chinese and English; check status, code and envelope."""
        zh_status, zh = self.post(endpoint, body)
        en_status, en = self.post(endpoint, body, lang="en-US,en;q=0.9")
        for got_status, data in ((zh_status, zh), (en_status, en)):
            assert got_status == status, (endpoint, got_status, data)
            assert data["code"] == code, (endpoint, data)
            assert data["message"] == data["detail"]
            assert data["error"]["code"] and data["error"]["message"]
        assert zh["message"] != en["message"], (zh, en)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh["message"]), zh
        assert en["message"].isascii() or not any("\u4e00" <= ch <= "\u9fff" for ch in en["error"]["message"]), en
        return zh, en


def draft_path(settings: Settings, draft_url: str) -> Path:
    """The draft_content.json behind a draft URL."""
    draft_id = draft_url.split("draft_id=")[1]
    return settings.drafts_dir / draft_id / "draft_content.json"


def load_draft(settings: Settings, draft_url: str) -> dict:
    return json.loads(draft_path(settings, draft_url).read_text(encoding="utf-8"))


def require(available: bool, reason: str) -> None:
    """Skip when a machine lacks a service a test needs — but fail under CI (CI=true), where a
    skip would hide that the test never ran."""
    import os

    import pytest

    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must provide it)")
    pytest.skip(reason)
