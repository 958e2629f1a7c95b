"""easy_create_material: audio, video, image and text in one all-or-nothing edit."""
from __future__ import annotations

import json

from support import draft_path, load_draft


def _tracks(draft: dict) -> list[tuple[str, list[dict]]]:
    return [(t["type"], t["segments"]) for t in draft["tracks"] if t["segments"]]


def test_easy_create_material_adds_every_part_on_its_own_track(api, media_server, settings):
    url = api.create_draft(1280, 720)
    data = api.ok("easy_create_material", {
        "draft_url": url, "audio_url": media_server.url("tone.mp3"), "video_url": media_server.url("clip.mp4"),
        "img_url": media_server.url("pic.png"), "text": "你好，世界", "text_color": "#ff0000",
        "font_size": 20, "text_transform_y": -360})
    assert data["draft_url"] == url and data["message"] == "成功"
    draft = load_draft(settings, url)
    tracks = _tracks(draft)
    assert [kind for kind, _ in tracks] == ["audio", "video", "video", "text"]
    ranges = [(segs[0]["target_timerange"]["start"], segs[0]["target_timerange"]["duration"]) for _, segs in tracks]
    assert ranges == [(0, 5_000_000), (0, 5_000_000), (0, 3_000_000), (0, 5_000_000)]
    # audio at capcut-mate's fixed index 10, the visual tracks stacked above what came before
    indexes = [segs[0]["render_index"] for _, segs in tracks]
    assert indexes[0] == 10 and indexes[1] < indexes[2] < indexes[3]
    assert [segs[0]["source_timerange"] for _, segs in tracks[:3]] == [
        {"start": 0, "duration": 5_000_000}, {"start": 0, "duration": 5_000_000}, {"start": 0, "duration": 3_000_000}]
    kinds = {m["id"]: m["type"] for m in draft["materials"]["videos"]}
    assert [kinds[segs[0]["material_id"]] for _, segs in tracks[1:3]] == ["video", "photo"]
    text_seg = tracks[3][1][0]
    assert text_seg["clip"]["transform"] == {"x": 0.0, "y": -0.5}  # -360 px / 720 px canvas
    assert text_seg["source_timerange"] is None
    material = next(m for m in draft["materials"]["texts"] if m["id"] == text_seg["material_id"])
    assert material["type"] == "text" and material["alignment"] == 1  # centred, no auto-wrap
    content = json.loads(material["content"])
    assert content["text"] == "你好，世界" and content["styles"][0]["size"] == 20
    assert content["styles"][0]["fill"]["content"]["solid"]["color"] == [1.0, 0.0, 0.0]
    # every material's origin is kept next to its local copy
    origins = json.loads((draft_path(settings, url).parent / "draftrender_origins.json").read_text())
    assert {o["url"] for o in origins["materials"].values()} >= {media_server.url("tone.mp3"),
                                                                media_server.url("clip.mp4")}


def test_easy_create_material_audio_only(api, media_server, settings):
    url = api.create_draft()
    api.ok("easy_create_material", {"draft_url": url, "audio_url": media_server.url("tone.mp3"),
                                    "video_url": "null", "img_url": "", "text": "  "})
    assert [kind for kind, _ in _tracks(load_draft(settings, url))] == ["audio"]


def test_easy_create_material_bad_input_changes_nothing(api, media_server, settings):
    url = api.create_draft()
    before = draft_path(settings, url).read_bytes()
    api.both_languages("easy_create_material", {"draft_url": url}, status=400, code=1001)
    for empty in ("", "null", "NULL"):
        zh, en = api.both_languages("easy_create_material", {"draft_url": url, "audio_url": empty},
                                    status=400, code=2028)
        assert "audio_url" in en["message"]
    api.both_languages("easy_create_material", {"draft_url": url, "audio_url": "ftp://x/a.mp3"}, status=400, code=1001)
    api.both_languages("easy_create_material", {"draft_url": url, "audio_url": media_server.url("tone.mp3"),
                                                "img_url": "file:///etc/passwd"}, status=400, code=1001)
    # the audio is fine, the video is unreachable: nothing is added (capcut-mate would add the audio)
    zh, en = api.both_languages("easy_create_material", {
        "draft_url": url, "audio_url": media_server.url("tone.mp3"), "video_url": media_server.url("gone.mp4")},
        status=400, code=2005)
    assert "gone.mp4" in en["message"] and "HTTP 404" in en["message"]
    assert draft_path(settings, url).read_bytes() == before
    missing = url.replace(url.split("draft_id=")[1], "2026010100000000000000")
    api.both_languages("easy_create_material", {"draft_url": missing, "audio_url": media_server.url("tone.mp3")},
                       status=404, code=2001)


def test_easy_create_material_on_v1_with_defaults(api, media_server, settings):
    url = api.create_draft(1080, 1920)
    status, data = api.post("easy_create_material", {"draft_url": url, "audio_url": media_server.url("tone.mp3"),
                                                     "text": "Hi"}, prefix="/v1")
    assert status == 200 and data["code"] == 0 and data["draft_url"] == url
    draft = load_draft(settings, url)
    assert [kind for kind, _ in _tracks(draft)] == ["audio", "text"]
    text_seg = _tracks(draft)[1][1][0]
    assert text_seg["clip"]["transform"]["y"] == 0.0
    style = json.loads(draft["materials"]["texts"][0]["content"])["styles"][0]
    assert style["size"] == 15 and style["fill"]["content"]["solid"]["color"] == [1.0, 1.0, 1.0]


def test_easy_create_material_refuses_a_file_of_the_wrong_kind(api, media_server, settings):
    url = api.create_draft()
    before = draft_path(settings, url).read_bytes()
    zh, en = api.both_languages("easy_create_material", {"draft_url": url, "audio_url": media_server.url("pic.png")},
                                status=400, code=2028)
    assert "audio_url" in en["message"] and "pic.png" in en["message"]
    zh, en = api.both_languages("easy_create_material", {
        "draft_url": url, "audio_url": media_server.url("tone.mp3"), "video_url": media_server.url("tone.mp3")},
        status=400, code=2028)
    assert "video_url" in en["message"]
    api.both_languages("easy_create_material", {
        "draft_url": url, "audio_url": media_server.url("tone.mp3"), "img_url": media_server.url("tone.mp3")},
        status=400, code=2028)
    assert draft_path(settings, url).read_bytes() == before
