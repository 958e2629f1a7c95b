"""POST a task's final status to its callback_url: SSRF-checked, retried, optionally signed.

The body is the same JSON gen_video_status answers. With ``DRAFTRENDER_CALLBACK_SECRET`` set,
``X-Draftrender-Signature: sha256=<hex HMAC of the body>`` lets the receiver verify it.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

import httpx

from ..fetch import FetchError, FetchLimits, SafeFetcher
from ..settings import Settings
from .store import TaskStore
from .view import status_view

log = logging.getLogger("draftrender.jobs")


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_callback(settings: Settings, task_id: str, *, backoff_s: float = 1.0) -> bool:
    """Deliver the final status; retries 408/429/5xx and network errors with exponential backoff."""
    store = TaskStore(settings.task_db_url)
    task = store.get(task_id)
    if task is None or not task.callback_url:
        return False
    body = json.dumps({"code": 0, **status_view(task, settings, "zh")}, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "draftrender-callback"}
    if settings.callback_secret:
        headers["X-Draftrender-Signature"] = sign(settings.callback_secret, body)
    fetcher = SafeFetcher(settings.allowed_networks, FetchLimits(connect_timeout_s=10, read_timeout_s=30))
    state = "failed"
    for attempt in range(settings.callback_retries + 1):
        try:
            pinned, host = fetcher.check_url(task.callback_url)
            orig = httpx.URL(task.callback_url)
            ext = {"sni_hostname": host} if orig.scheme == "https" else {}
            with httpx.Client(timeout=httpx.Timeout(30, connect=10), trust_env=False, follow_redirects=False) as c:
                req = c.build_request("POST", pinned, content=body,
                                      headers={**headers, "Host": orig.netloc.decode("ascii")}, extensions=ext)
                resp = c.send(req)
            if resp.status_code < 300:
                state = "sent"
                break
            if resp.status_code not in (408, 429) and resp.status_code < 500:
                log.warning("callback for %s refused: HTTP %s", task_id, resp.status_code)
                break
        except FetchError as exc:
            log.warning("callback for %s not allowed: %s", task_id, exc.describe())
            state = "refused"
            break
        except httpx.HTTPError as exc:
            log.info("callback for %s failed (attempt %d): %s", task_id, attempt + 1, exc)
        time.sleep(min(backoff_s * 2 ** attempt, 60))
    store.set_fields(task_id, callback_state=state)
    return state == "sent"
