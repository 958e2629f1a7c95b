"""The draft store: restarts, many drafts, capcut-mate's own drafts, cross-process locking."""
from __future__ import annotations

import json
import multiprocessing
import shutil
import time

from support import FIXTURE_DIR, Api, load_draft

from draftrender.api.app import create_app
from draftrender.drafts.store import DraftStore
from draftrender.drafts.template import empty_track

FIXTURE_ID = "202611211421162e0efef4"


def _client(settings):
    from fastapi.testclient import TestClient

    return TestClient(create_app(settings))


def test_drafts_survive_restart_and_150_newer_drafts(settings, media_server):
    with _client(settings) as first:
        api = Api(first)
        url = api.create_draft()
        api.ok("add_images", {"draft_url": url, "image_infos": json.dumps(
            [{"image_url": media_server.url("pic.png"), "start": 0, "end": 1_000_000}])})
    with _client(settings) as second:  # a new process-equivalent: nothing in memory
        api = Api(second)
        for _ in range(150):
            api.create_draft(64, 64)
        data = api.ok("add_images", {"draft_url": url, "image_infos": json.dumps(
            [{"image_url": media_server.url("pic.png"), "start": 1_000_000, "end": 2_000_000}])})
        assert data["segment_infos"][0]["start"] == 1_000_000
    draft = load_draft(settings, url)
    assert len(draft["materials"]["videos"]) == 2 and draft["duration"] == 2_000_000


def _install_fixture(settings) -> str:
    folder = settings.drafts_dir / FIXTURE_ID
    folder.mkdir(parents=True)
    shutil.copy(FIXTURE_DIR / "draft_content.json", folder / "draft_content.json")
    return f"http://elsewhere.example/openapi/capcut-mate/v1/get_draft?draft_id={FIXTURE_ID}"


def test_capcut_mate_draft_round_trips_losslessly(api, settings):
    original = json.loads((FIXTURE_DIR / "draft_content.json").read_text(encoding="utf-8"))
    url = _install_fixture(settings)
    api.ok("save_draft", {"draft_url": url})
    assert load_draft(settings, url) == original


def test_capcut_mate_draft_stays_editable(api, settings, media_server):
    original = json.loads((FIXTURE_DIR / "draft_content.json").read_text(encoding="utf-8"))
    url = _install_fixture(settings)
    data = api.ok("add_videos", {"draft_url": url, "video_infos": json.dumps(
        [{"video_url": media_server.url("clip.mp4"), "start": 10_000_000, "end": 11_000_000}])})
    draft = load_draft(settings, url)
    new_track = next(t for t in draft["tracks"] if t["id"] == data["track_id"])
    assert new_track["segments"][0]["render_index"] == 12  # above the fixture's caption track (11)
    kept = [t for t in draft["tracks"] if t["id"] != data["track_id"]]
    assert kept == original["tracks"]
    for kind, items in original["materials"].items():
        assert draft["materials"][kind][: len(items)] == items
    assert draft["duration"] == 11_000_000


def _append_tracks(root: str, draft_id: str, count: int, tag: str) -> None:
    store = DraftStore(root, lock_timeout_s=60)
    for i in range(count):
        with store.edit(draft_id) as session:
            time.sleep(0.005)  # widen the read-modify-write window
            session.doc.add_track(empty_track("video", f"{tag}-{i}"))


def test_edits_from_several_processes_are_serialised(settings):
    store = DraftStore(settings.drafts_dir)
    draft_id = store.create(64, 64)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_tracks, args=(str(settings.drafts_dir), draft_id, 15, f"p{n}"))
             for n in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    names = [t["name"] for t in store.load(draft_id).tracks]
    assert len(names) == 2 + 45 and len(set(names[2:])) == 45


def test_lock_timeout_answers_2042(settings, api):
    settings.draft_lock_timeout_s = 0.2
    app = create_app(settings)
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        local = Api(client)
        url = local.create_draft()
        draft_id = url.split("draft_id=")[1]
        with app.state.editing.store.lock(draft_id):
            zh, en = local.both_languages("save_draft", {"draft_url": url}, status=503, code=2042)
        assert draft_id in en["message"]
        local.ok("save_draft", {"draft_url": url})
