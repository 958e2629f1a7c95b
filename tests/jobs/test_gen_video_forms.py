"""Every draft_url form through gen_video over the API renders the same frames as the local draft.

The site (capcut-mate's fixture draft served as another capcut-mate server, a JSON with URL and
relative paths, seed 004's fragment form, a zip) comes from tests/test_sources_forms.py.
"""
from __future__ import annotations

import shutil

import numpy as np
import pytest
from fastapi.testclient import TestClient

from draftkit import frames
from draftrender.api.app import create_app
from draftrender.jobs.worker import Worker
from draftrender.render.draft import OutputSpec, render_draft
from draftrender.render.pipeline import RenderOptions
from support import PREFIX, Api
from test_sources_forms import ID, site  # noqa: F401 — the served draft site fixture

REQUEST = {"height": 180, "start": 2.8, "end": 5.2, "quality": "high", "poster": False}


@pytest.fixture(scope="module")
def local_frames(site, tmp_path_factory):  # noqa: F811
    out = tmp_path_factory.mktemp("ref") / "ref.mp4"
    result = render_draft(site["folder"], out, OutputSpec(height=180),
                          RenderOptions(crf=18, preset="veryfast", start_us=2_800_000, end_us=5_200_000))
    return frames(out), sorted((w.kind, w.name) for w in result.warnings)


@pytest.fixture
def api(settings):
    s = settings.model_copy(update={"lease_s": 5.0})
    worker = Worker(s, 1, "thread").start()
    with TestClient(create_app(s)) as client:
        yield Api(client)
    worker.stop()


def forms(site) -> dict[str, str]:  # noqa: F811
    server = site["server"]
    return {
        "own": f"http://testserver{PREFIX}/get_draft?draft_id={ID}",
        "capcut_mate": f"{server.base}{PREFIX}/get_draft?draft_id={ID}",
        "fragment": f"https://ts.fyshark.com/#/cozeToJianyin?drafId={server.url('json/my_draft.json')}",
        "json": server.url("json/my_draft.json"),
        "zip": server.url("draft.zip"),
    }


@pytest.mark.parametrize("form", ["own", "capcut_mate", "fragment", "json", "zip"])
def test_form_renders_through_gen_video(form, site, local_frames, api, settings, tmp_path):  # noqa: F811
    if form == "own":
        shutil.copytree(site["folder"], settings.drafts_dir / ID)
    url = forms(site)[form]
    data = api.ok("gen_video", {"draft_url": url, **REQUEST, "wait": True, "timeout": 120})
    assert data["status"] == "completed" and data["message"] == "视频生成成功", data
    status = api.ok("gen_video_status", {"draft_url": url})
    assert status["task_id"] == data["task_id"] and status["progress"] == 100
    body = api.client.get(data["video_url"].split("testserver", 1)[1]).content
    out = tmp_path / "got.mp4"
    out.write_bytes(body)
    want_frames, want_warnings = local_frames
    got = frames(out)
    assert sorted(got) == sorted(want_frames) and len(got) == 72
    for i, want in want_frames.items():
        assert np.array_equal(got[i], want), f"{form}: frame {i} differs"
    assert sorted((w["kind"], w["name"]) for w in data["warnings"]) == want_warnings


def test_errors_name_the_culprit_and_the_service_stays_healthy(site, api):  # noqa: F811
    import json

    server = site["server"]
    draft = json.loads((site["root"] / "json" / "my_draft.json").read_text("utf-8"))
    video = next(m for m in draft["materials"]["videos"] if m["path"].startswith("http"))
    video["path"] = server.url("private/clip.mp4")
    server.routes["/private/clip.mp4"] = lambda req: (403, {}, b"forbidden")
    (site["root"] / "json" / "broken.json").write_text(json.dumps(draft, ensure_ascii=False), "utf-8")

    url = server.url("json/broken.json")
    zh, en = api.both_languages("gen_video", {"draft_url": url, "wait": True, "timeout": 60}, status=400, code=2005)
    assert zh["message"].startswith("素材无法访问") and server.url("private/clip.mp4") in zh["message"]
    assert "HTTP 403" in en["message"] and en["message"].startswith("Material inaccessible")
    status = api.ok("gen_video_status", {"draft_url": url})
    assert status["status"] == "failed" and "HTTP 403" in status["error_message"] and status["progress"] == 0

    gone = server.url("json/missing.json")
    zh, en = api.both_languages("gen_video", {"draft_url": gone, "wait": True, "timeout": 60}, status=404, code=2001)
    assert zh["error"]["message"] == "草稿不存在" and en["error"]["message"] == "Draft does not exist"
    zh, en = api.both_languages("gen_video", {"draft_url": "https://example.com/not-a-draft"}, status=400, code=2001)
    assert zh["error"]["message"] == "draft_url格式无效"
    assert api.client.get("/health").json()["status"] == "ok"
