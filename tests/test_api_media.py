"""create_draft, get_draft, save_draft, add_videos, add_images, add_audios, get_audio_duration."""
from __future__ import annotations

import json

from support import draft_path, load_draft


def test_create_draft_defaults_and_get_draft(api, client, settings):
    data = api.ok("create_draft", {})
    assert data["message"] == "成功" and data["tip_url"]
    url = data["draft_url"]
    assert url.startswith("http://testserver/openapi/capcut-mate/v1/get_draft?draft_id=")
    draft_id = url.split("draft_id=")[1]
    assert len(draft_id) == 22 and draft_id[:14].isdigit()
    draft = load_draft(settings, url)
    assert draft["canvas_config"] == {"width": 1920, "height": 1080, "ratio": "original"}
    assert [t["name"] for t in draft["tracks"]] == ["main_track", "main_track"]
    status, listing = api.get("get_draft", {"draft_id": draft_id})
    assert status == 200 and listing["code"] == 0
    names = [f.rsplit("/", 1)[1] for f in listing["files"]]
    assert "draft_content.json" in names and "draft_info.json" in names and "draft_meta_info.json" in names
    # every listed URL resolves on this service
    content_url = next(f for f in listing["files"] if f.endswith("/draft_content.json"))
    r = client.get(content_url.replace("http://testserver", ""))
    assert r.status_code == 200 and r.json()["canvas_config"]["width"] == 1920


def test_create_draft_bad_input(api):
    api.both_languages("create_draft", {"width": 0}, status=400, code=1001)
    zh, en = api.both_languages("create_draft", {"width": "wide"}, status=400, code=1001)
    assert "width" in en["message"]


def test_get_draft_bad_input(api):
    for params, status, code in (({"draft_id": "short"}, 400, 1001), ({"draft_id": "2" * 22}, 404, 2001)):
        zh_status, zh = api.get("get_draft", params)
        en_status, en = api.get("get_draft", params, lang="en")
        assert zh_status == en_status == status and zh["code"] == en["code"] == code
        assert zh["message"] != en["message"]


def test_file_route_range_and_traversal(api, client, settings):
    url = api.create_draft()
    draft_id = url.split("draft_id=")[1]
    path = f"/files/drafts/{draft_id}/draft_content.json"
    full = client.get(path).content
    part = client.get(path, headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.content == full[:10]
    assert client.head(path).status_code == 200
    assert client.get(f"/files/drafts/{draft_id}/.draft.lock").status_code == 404
    assert client.get("/files/../../etc/passwd").status_code == 404
    assert client.get("/files/tmp/x").status_code == 404


def test_save_draft(api, settings):
    url = api.create_draft()
    data = api.ok("save_draft", {"draft_url": url})
    assert data["draft_url"] == url
    api.both_languages("save_draft", {"draft_url": ""}, status=400, code=2001)
    api.both_languages("save_draft", {"draft_url": "http://x/get_draft?draft_id=" + "3" * 22}, status=404, code=2001)


def test_add_videos_places_segments_and_keeps_origin(api, media_server, settings):
    url = api.create_draft()
    infos = [{"video_url": media_server.url("clip.mp4"), "start": 0, "end": 5_000_000, "volume": 0.8,
              "transition": "叠化", "transition_duration": 500_000},
             {"video_url": media_server.url("clip.mp4"), "start": 5_000_000, "end": 8_000_000}]
    data = api.ok("add_videos", {"draft_url": url, "video_infos": json.dumps(infos)})
    assert len(data["segment_ids"]) == 2 and len(data["video_ids"]) == 2
    assert data["segment_infos"][1] == {"id": data["segment_ids"][1], "start": 5_000_000, "end": 8_000_000}
    draft = load_draft(settings, url)
    track = next(t for t in draft["tracks"] if t["id"] == data["track_id"])
    s0, s1 = track["segments"]
    assert s0["volume"] == 0.8 and s0["source_timerange"] == {"start": 0, "duration": 5_000_000}
    assert s1["target_timerange"] == {"start": 5_000_000, "duration": 3_000_000}
    assert draft["materials"]["transitions"][0]["name"] == "叠化"
    assert draft["materials"]["transitions"][0]["id"] in s0["extra_material_refs"]
    assert draft["duration"] == 8_000_000
    video = draft["materials"]["videos"][0]
    assert (video["width"], video["height"], video["duration"], video["type"]) == (640, 360, 5_000_000, "video")
    folder = draft_path(settings, url).parent
    origins = json.loads((folder / "draftrender_origins.json").read_text())
    entry = origins["materials"][video["id"]]
    assert entry["url"] == media_server.url("clip.mp4") and (folder / entry["file"]).is_file()
    assert video["path"] == (folder / entry["file"]).as_posix()


def test_add_videos_scene_timelines_report_real_positions(api, media_server, settings):
    url = api.create_draft()
    infos = [{"video_url": media_server.url("clip.mp4"), "start": 0, "end": 4_000_000},
             {"video_url": media_server.url("clip.mp4"), "start": 4_000_000, "end": 6_000_000}]
    data = api.ok("add_videos", {"draft_url": url, "video_infos": json.dumps(infos),
                                 "scene_timelines": [{"start": 0, "end": 2_000_000}, {"start": 0, "end": 4_000_000}]})
    first, second = data["segment_infos"]
    assert first == {"id": first["id"], "start": 0, "end": 2_000_000}  # 2x speed
    assert second == {"id": second["id"], "start": 2_000_000, "end": 6_000_000}  # contiguous, 0.5x
    segs = {s["id"]: s for t in load_draft(settings, url)["tracks"] for s in t["segments"]}
    assert segs[first["id"]]["speed"] == 2.0 and segs[second["id"]]["speed"] == 0.5


def test_add_videos_bad_input(api, media_server):
    url = api.create_draft()
    api.both_languages("add_videos", {"draft_url": url, "video_infos": "not json"}, status=400, code=1001)
    api.both_languages("add_videos", {"draft_url": url, "video_infos": json.dumps(
        [{"video_url": media_server.url("clip.mp4"), "start": 5, "end": 5}])}, status=400, code=2003)
    zh, en = api.both_languages("add_videos", {"draft_url": url, "video_infos": json.dumps(
        [{"video_url": media_server.url("missing.mp4"), "start": 0, "end": 5}])}, status=400, code=2005)
    assert "missing.mp4" in en["message"] and "HTTP 404" in en["message"]
    zh, en = api.both_languages("add_videos", {"draft_url": url, "video_infos": json.dumps(
        [{"video_url": media_server.url("not_media.mp4"), "start": 0, "end": 5}])}, status=400, code=2006)
    assert "not_media.mp4" in en["message"]


def test_failed_add_leaves_draft_byte_identical(api, media_server, settings):
    url = api.create_draft()
    api.ok("add_videos", {"draft_url": url, "video_infos": json.dumps(
        [{"video_url": media_server.url("clip.mp4"), "start": 0, "end": 1_000_000}])})
    path = draft_path(settings, url)
    before = path.read_bytes()
    files_before = sorted(p.relative_to(path.parent) for p in path.parent.rglob("*"))
    overlapping = [{"video_url": media_server.url("clip.mp4"), "start": 0, "end": 2_000_000},
                   {"video_url": media_server.url("clip.mp4"), "start": 1_000_000, "end": 3_000_000}]
    for body in ({"draft_url": url, "video_infos": "[{"},
                 {"draft_url": url, "video_infos": json.dumps(overlapping)},
                 {"draft_url": url, "video_infos": json.dumps([{"video_url": media_server.url("nope.mp4"),
                                                                "start": 0, "end": 1}])}):
        status, data = api.post("add_videos", body)
        assert status == 400 and data["code"] != 0
        assert path.read_bytes() == before
        assert sorted(p.relative_to(path.parent) for p in path.parent.rglob("*")) == files_before


def test_add_images_animations(api, media_server, settings):
    url = api.create_draft()
    infos = [{"image_url": media_server.url("pic.png"), "start": 0, "end": 3_000_000,
              "in_animation": "渐显", "out_animation": "渐隐", "in_animation_duration": 500_000},
             {"image_url": media_server.url("pic.png"), "start": 3_000_000, "end": 6_000_000, "loop_animation": "缩放"}]
    data = api.ok("add_images", {"draft_url": url, "image_infos": json.dumps(infos), "alpha": 0.9,
                                 "scale_x": 0.5, "scale_y": 0.5, "transform_x": 480, "transform_y": -270})
    draft = load_draft(settings, url)
    seg = next(s for t in draft["tracks"] for s in t["segments"] if s["id"] == data["segment_ids"][0])
    assert seg["clip"]["transform"] == {"x": 0.25, "y": -0.25} and seg["clip"]["alpha"] == 0.9
    anims = {a["type"]: a for c in draft["materials"]["material_animations"] for a in c["animations"]}
    assert anims["in"]["name"] == "渐显" and anims["out"]["start"] == 2_500_000
    assert anims["group"]["duration"] == 3_000_000
    photo = draft["materials"]["videos"][0]
    assert photo["type"] == "photo" and (photo["width"], photo["height"]) == (800, 600)
    assert "/assets/images/" in photo["path"]


def test_add_images_bad_input(api, media_server):
    url = api.create_draft()
    api.both_languages("add_images", {"draft_url": url, "image_infos": "{}"}, status=400, code=2009)
    api.both_languages("add_images", {"draft_url": url, "image_infos": json.dumps(
        [{"image_url": media_server.url("pic.png"), "start": 3, "end": 1}])}, status=400, code=2009)


def test_add_audios_shortens_to_file(api, media_server, settings):
    url = api.create_draft()
    infos = [{"audio_url": media_server.url("tone.mp3"), "start": 0, "end": 4_000_000, "volume": 0.6},
             {"audio_url": media_server.url("tone.mp3"), "start": 4_000_000, "end": 12_000_000}]
    data = api.ok("add_audios", {"draft_url": url, "audio_infos": json.dumps(infos)})
    assert len(data["audio_ids"]) == 2
    draft = load_draft(settings, url)
    track = next(t for t in draft["tracks"] if t["id"] == data["track_id"])
    a0, a1 = track["segments"]
    assert a0["volume"] == 0.6 and a0["render_index"] == 10 and a0["clip"] is None
    assert a1["target_timerange"]["start"] == 4_000_000
    assert abs(a1["target_timerange"]["duration"] - 6_000_000) < 100_000  # file length, not 8 s


def test_add_audios_bad_input(api, media_server):
    url = api.create_draft()
    api.both_languages("add_audios", {"draft_url": url, "audio_infos": "[]"}, status=400, code=2007)
    api.both_languages("add_audios", {"draft_url": url, "audio_infos": json.dumps(
        [{"audio_url": media_server.url("pic.png"), "start": 0, "end": 1_000_000}])}, status=400, code=2008)


def test_get_audio_duration(api, media_server):
    data = api.ok("get_audio_duration", {"mp3_url": media_server.url("tone.mp3")})
    assert abs(data["duration"] - 6_000_000) < 100_000
    api.both_languages("get_audio_duration", {"mp3_url": media_server.url("gone.mp3")}, status=400, code=2005)
    api.both_languages("get_audio_duration", {}, status=400, code=1001)


def test_add_videos_applies_a_mask_by_name(api, media_server, settings):
    url = api.create_draft()
    data = api.ok("add_videos", {"draft_url": url, "video_infos": json.dumps([
        {"video_url": media_server.url("clip.mp4"), "start": 0, "end": 1_000_000, "mask": "圆形"},
        {"video_url": media_server.url("clip.mp4"), "start": 1_000_000, "end": 2_000_000, "mask": "三角形"}])})
    draft = load_draft(settings, url)
    segs = {s["id"]: s for t in draft["tracks"] for s in t["segments"]}
    masks = {m["id"]: m for m in draft["materials"]["masks"]}
    first, second = (segs[i] for i in data["segment_ids"])
    masked = [r for r in first["extra_material_refs"] if r in masks]
    assert len(masked) == 1 and masks[masked[0]]["resource_type"] == "circle"
    assert masks[masked[0]]["config"]["height"] == 512 / 360  # relative to the 640x360 material
    assert not [r for r in second["extra_material_refs"] if r in masks]
    assert any("三角形" in w for w in data["warnings"])


def test_add_videos_mask_is_what_add_masks_writes(api, media_server, settings):
    url = api.create_draft()
    data = api.ok("add_videos", {"draft_url": url, "video_infos": json.dumps([
        {"video_url": media_server.url("clip.mp4"), "start": 0, "end": 1_000_000, "mask": "矩形"},
        {"video_url": media_server.url("clip.mp4"), "start": 1_000_000, "end": 2_000_000}])})
    api.ok("add_masks", {"draft_url": url, "segment_ids": [data["segment_ids"][1]], "name": "矩形"})
    draft = load_draft(settings, url)
    segs = {s["id"]: s for t in draft["tracks"] for s in t["segments"]}
    masks = {m["id"]: m for m in draft["materials"]["masks"]}
    speeds = {m["id"] for m in draft["materials"]["speeds"]}
    written = []
    for sid in data["segment_ids"]:
        refs = segs[sid]["extra_material_refs"]
        assert len(refs) == 2 and refs[0] in speeds and refs[1] in masks  # speed first, then the mask
        written.append({k: v for k, v in masks[refs[1]].items() if k != "id"})
    assert written[0] == written[1]
    assert written[0]["config"]["width"] == 512 / 640 and written[0]["config"]["height"] == 512 / 360
