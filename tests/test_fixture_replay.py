"""Replaying capcut-mate's own calls (fixture calls.jsonl) gives an equivalent draft."""
from __future__ import annotations

import json

from support import FIXTURE_DIR, load_draft
from draft_equivalence import differences, draft_view

FIXTURE_MEDIA_BASE = "http://127.0.0.1:18081"
FIXTURE_DRAFT_URL = "http://127.0.0.1:18080/openapi/capcut-mate/v1/get_draft?draft_id=202611211421162e0efef4"


def _calls() -> list[dict]:
    lines = (FIXTURE_DIR / "calls.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _shape(value):
    """The response's field names and JSON types (values differ: ids, hosts)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def replay(api, media_server) -> str:
    draft_url = None
    for call in _calls():
        body = json.loads(json.dumps(call["request"]).replace(FIXTURE_MEDIA_BASE, media_server.base))
        if draft_url:
            body["draft_url"] = draft_url
        status, data = api.post(call["endpoint"], body)
        assert status == 200 and data["code"] == 0, (call["endpoint"], data)
        expected = {k: v for k, v in _shape(call["response"]).items()}
        got = {k: v for k, v in _shape(data).items() if k in expected}
        assert got == expected, (call["endpoint"], got, expected)
        assert data["message"] == call["response"]["message"]
        if call["endpoint"] == "create_draft":
            draft_url = data["draft_url"]
        for key in ("segment_ids", "video_ids", "image_ids", "audio_ids", "text_ids"):
            if key in call["response"]:
                assert len(data[key]) == len(call["response"][key]), key
    return draft_url


def test_replay_gives_equivalent_draft(api, media_server, settings):
    draft_url = replay(api, media_server)
    ours = draft_view(load_draft(settings, draft_url))
    theirs = draft_view(json.loads((FIXTURE_DIR / "draft_content.json").read_text(encoding="utf-8")))
    diff = differences(ours, theirs)
    assert not diff, "\n".join(diff[:40])
