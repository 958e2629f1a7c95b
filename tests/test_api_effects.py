"""add_effects, add_filters, add_keyframes, add_masks, add_sticker: saved draft JSON and errors."""
from __future__ import annotations

import json

import pytest
from support import draft_path, load_draft

SCENE = "DV界面"          # a scene effect (materials.video_effects type "video_effect")
CHARACTER = "几何拖尾 I"   # a character effect (type "face_effect")
FILTER = "1980"


def segments(draft: dict) -> dict:
    """segment id → (track, segment)."""
    return {s["id"]: (t, s) for t in draft["tracks"] for s in t["segments"]}


def add_video(api, media_server, url: str, start: int = 0, end: int = 4_000_000) -> str:
    data = api.ok("add_videos", {"draft_url": url, "video_infos": json.dumps(
        [{"video_url": media_server.url("clip.mp4"), "start": start, "end": end}])})
    return data["segment_ids"][0]


def add_image(api, media_server, url: str) -> str:
    data = api.ok("add_images", {"draft_url": url, "image_infos": json.dumps(
        [{"image_url": media_server.url("pic.png"), "start": 0, "end": 3_000_000}])})
    return data["segment_ids"][0]


def add_audio_segment(api, media_server, settings, url: str) -> str:
    data = api.ok("add_audios", {"draft_url": url, "audio_infos": json.dumps(
        [{"audio_url": media_server.url("tone.mp3"), "start": 0, "end": 2_000_000}])})
    track = next(t for t in load_draft(settings, url)["tracks"] if t["id"] == data["track_id"])
    return track["segments"][0]["id"]


def add_effect_segment(api, url: str) -> str:
    infos = [{"effect_title": SCENE, "start": 0, "end": 1_000_000}]
    return api.ok("add_effects", {"draft_url": url, "effect_infos": json.dumps(infos)})["segment_ids"][0]


@pytest.fixture
def url(api) -> str:
    return api.create_draft()


# -- add_effects ------------------------------------------------------------------------------
def test_add_effects_scene_and_character(api, media_server, settings, url):
    add_video(api, media_server, url)  # the video track takes render index 1
    infos = [{"effect_title": SCENE, "start": 0, "end": 2_000_000},
             {"effect_title": CHARACTER, "start": 2_000_000, "end": 3_500_000.7}]
    data = api.ok("add_effects", {"draft_url": url, "effect_infos": json.dumps(infos)})
    assert data["draft_url"] == url and "warnings" not in data
    draft = load_draft(settings, url)
    track = next(t for t in draft["tracks"] if t["id"] == data["track_id"])
    assert track["type"] == "effect" and track["name"].startswith("effect_track_")
    assert draft["tracks"][-1] is not None and draft["tracks"][-1]["id"] == track["id"]  # on top
    assert [s["id"] for s in track["segments"]] == data["segment_ids"]
    s0, s1 = track["segments"]
    assert s0["render_index"] == s1["render_index"] == 2
    assert s1["target_timerange"] == {"start": 2_000_000, "duration": 1_500_000}
    assert "source_timerange" not in s0 and "clip" not in s0
    mats = {m["id"]: m for m in draft["materials"]["video_effects"]}
    assert [s["material_id"] for s in track["segments"]] == data["effect_ids"]
    m0, m1 = (mats[i] for i in data["effect_ids"])
    assert (m0["name"], m0["type"], m1["name"], m1["type"]) == (SCENE, "video_effect", CHARACTER, "face_effect")
    assert m0["apply_target_type"] == m1["apply_target_type"] == 2
    assert m0["render_index"] == 11000 and m0["value"] == 1.0 and m0["adjust_params"] == []
    assert draft["duration"] == 4_000_000


def test_add_effects_bad_input(api, url, settings):
    before = draft_path(settings, url).read_bytes()
    zh, en = api.both_languages("add_effects", {"draft_url": url, "effect_infos": "[{oops"}, status=400, code=2020)
    assert "not valid JSON" in en["message"]
    zh, en = api.both_languages("add_effects", {"draft_url": url, "effect_infos": json.dumps(
        [{"effect_title": "没有这个特效", "start": 0, "end": 1}])}, status=404, code=2022)
    assert "没有这个特效" in en["message"] and "get_effects" in en["message"]
    api.both_languages("add_effects", {"draft_url": url, "effect_infos": json.dumps(
        [{"effect_title": SCENE, "start": 5, "end": 5}])}, status=400, code=2020)
    api.both_languages("add_effects", {"draft_url": url, "effect_infos": json.dumps(
        [{"start": 0, "end": 5}])}, status=400, code=2020)
    zh, en = api.both_languages("add_effects", {"draft_url": url, "effect_infos": json.dumps(
        [{"effect_title": SCENE, "start": 0, "end": 2_000_000},
         {"effect_title": SCENE, "start": 1_000_000, "end": 3_000_000}])}, status=400, code=2021)
    assert "item 1 overlaps item 0" in en["message"]
    api.both_languages("add_effects", {"draft_url": "", "effect_infos": "[]"}, status=400, code=2001)
    assert draft_path(settings, url).read_bytes() == before


# -- add_filters ------------------------------------------------------------------------------
def test_add_filters_intensity(api, settings, url):
    infos = [{"filter_title": FILTER, "start": 0, "end": 1_000_000, "intensity": 80},
             {"filter_title": FILTER, "start": 1_000_000, "end": 2_000_000}]
    data = api.ok("add_filters", {"draft_url": url, "filter_infos": json.dumps(infos)})
    draft = load_draft(settings, url)
    track = next(t for t in draft["tracks"] if t["id"] == data["track_id"])
    assert track["type"] == "filter" and [s["id"] for s in track["segments"]] == data["segment_ids"]
    assert track["segments"][0]["render_index"] == 1
    mats = {m["id"]: m for m in draft["materials"]["effects"]}
    f0, f1 = (mats[i] for i in data["filter_ids"])
    assert (f0["type"], f0["name"], f0["value"], f1["value"]) == ("filter", FILTER, 0.8, 1.0)
    assert f0["apply_target_type"] == 0 and f0["source_platform"] == 1


def test_add_filters_bad_input(api, url):
    zh, en = api.both_languages("add_filters", {"draft_url": url, "filter_infos": "not json"}, status=400, code=2037)
    assert "not valid JSON" in en["message"]
    zh, en = api.both_languages("add_filters", {"draft_url": url, "filter_infos": json.dumps(
        [{"filter_title": FILTER, "start": 0, "end": 1, "intensity": 150}])}, status=400, code=2037)
    assert "intensity" in en["message"]
    api.both_languages("add_filters", {"draft_url": url, "filter_infos": json.dumps(
        [{"filter_title": "不存在的滤镜", "start": 0, "end": 1}])}, status=404, code=2039)


# -- add_keyframes ----------------------------------------------------------------------------
def test_add_keyframes_lists_merge_and_units(api, media_server, settings, url):
    video = add_video(api, media_server, url)
    image = add_image(api, media_server, url)
    audio = add_audio_segment(api, media_server, settings, url)
    kfs = [{"segment_id": video, "property": "KFTypePositionX", "offset": 1_000_000, "value": 960},
           {"segment_id": video, "property": "KFTypePositionX", "offset": 0, "value": -0.25},
           {"segment_id": video, "property": "UNIFORM_SCALE", "offset": 0, "value": 1.5},
           {"segment_id": image, "property": "KFTypeScaleY", "offset": 500_000, "value": 0.5},
           {"segment_id": image, "property": "KFTypePositionY", "offset": 9_000_000, "value": -540},
           {"segment_id": audio, "property": "KFTypeVolume", "offset": 0, "value": 0.2}]
    data = api.ok("add_keyframes", {"draft_url": url, "keyframes": json.dumps(kfs)})
    assert data["keyframes_added"] == 6 and data["affected_segments"] == [video, image, audio]
    assert any("clamped to 3000000" in w for w in data["warnings"])
    segs = segments(load_draft(settings, url))
    vseg = segs[video][1]
    lists = {kl["property_type"]: kl for kl in vseg["common_keyframes"]}
    assert set(lists) == {"KFTypePositionX", "KFTypeScaleX"} and vseg["uniform_scale"]["on"] is True
    px = lists["KFTypePositionX"]["keyframe_list"]
    assert [(k["time_offset"], k["values"]) for k in px] == [(0, [-0.25]), (1_000_000, [0.5])]
    assert px[0]["curveType"] == "Line" and lists["KFTypePositionX"]["material_id"] == ""
    iseg = segs[image][1]
    assert iseg["uniform_scale"]["on"] is False
    ilists = {kl["property_type"]: kl["keyframe_list"] for kl in iseg["common_keyframes"]}
    assert [(k["time_offset"], k["values"]) for k in ilists["KFTypePositionY"]] == [(3_000_000, [-0.5])]
    alist = segs[audio][1]["common_keyframes"]
    assert alist[0]["property_type"] == "KFTypeVolume" and alist[0]["keyframe_list"][0]["values"] == [0.2]

    # a second call merges: same offset replaces the value, a new offset is inserted in order
    more = [{"segment_id": video, "property": "KFTypePositionX", "offset": 1_000_000, "value": 0.75},
            {"segment_id": video, "property": "KFTypePositionX", "offset": 500_000, "value": 0.1}]
    data = api.ok("add_keyframes", {"draft_url": url, "keyframes": json.dumps(more)})
    assert "warnings" not in data
    vseg = segments(load_draft(settings, url))[video][1]
    px_lists = [kl for kl in vseg["common_keyframes"] if kl["property_type"] == "KFTypePositionX"]
    assert len(px_lists) == 1
    assert [(k["time_offset"], k["values"][0]) for k in px_lists[0]["keyframe_list"]] == [
        (0, -0.25), (500_000, 0.1), (1_000_000, 0.75)]


def test_add_keyframes_bad_input(api, media_server, settings, url):
    video = add_video(api, media_server, url)
    image = add_image(api, media_server, url)
    audio = add_audio_segment(api, media_server, settings, url)
    effect = add_effect_segment(api, url)
    api.ok("add_keyframes", {"draft_url": url, "keyframes": json.dumps(
        [{"segment_id": video, "property": "UNIFORM_SCALE", "offset": 0, "value": 1.2}])})
    path = draft_path(settings, url)
    before = path.read_bytes()
    good = {"segment_id": video, "property": "KFTypeAlpha", "offset": 0, "value": 0.5}
    cases = [
        ("not json", 400, 2013),
        ([good, {"segment_id": "nope", "property": "KFTypeAlpha", "offset": 0, "value": 1}], 404, 2015),
        ([good, {"segment_id": effect, "property": "KFTypePositionX", "offset": 0, "value": 1}], 400, 2016),
        ([good, {"segment_id": audio, "property": "KFTypeAlpha", "offset": 0, "value": 1}], 400, 2016),
        ([good, {"segment_id": image, "property": "KFTypeVolume", "offset": 0, "value": 1}], 400, 2016),
        ([good, {"segment_id": video, "property": "KFTypeBlur", "offset": 0, "value": 1}], 400, 2013),
        ([good, {"segment_id": video, "property": "KFTypeAlpha", "offset": -1, "value": 1}], 400, 2013),
        ([good, {"segment_id": video, "property": "KFTypeAlpha", "offset": 0, "value": 2}], 400, 2013),
        ([good, {"segment_id": video, "property": "KFTypeScaleX", "offset": 0, "value": 1}], 400, 2013),
    ]
    for keyframes, status, code in cases:
        body = {"draft_url": url, "keyframes": keyframes if isinstance(keyframes, str) else json.dumps(keyframes)}
        zh, en = api.both_languages("add_keyframes", body, status=status, code=code)
        assert path.read_bytes() == before, (keyframes, en)
    assert "nope" in api.post("add_keyframes", {"draft_url": url, "keyframes": json.dumps(cases[1][0])},
                              lang="en")[1]["message"]


def test_add_keyframes_documents_offset(client):
    schema = client.get("/openapi.json").json()["components"]["schemas"]["AddKeyframesRequest"]
    assert "START OF THE SEGMENT" in schema["properties"]["keyframes"]["description"]


# -- add_masks --------------------------------------------------------------------------------
def test_add_masks_geometry_relative_to_material(api, media_server, settings, url):
    video = add_video(api, media_server, url)  # 640x360
    image = add_image(api, media_server, url)  # 800x600
    data = api.ok("add_masks", {"draft_url": url, "segment_ids": [video], "name": "矩形", "X": 100, "Y": 50,
                                "width": 320, "height": 180, "feather": 20, "rotation": 15, "roundCorner": 30})
    assert data["masks_added"] == 1 and data["affected_segments"] == [video]
    draft = load_draft(settings, url)
    mask = next(m for m in draft["materials"]["masks"] if m["id"] == data["mask_ids"][0])
    assert (mask["type"], mask["name"], mask["resource_type"]) == ("mask", "矩形", "rectangle")
    assert mask["resource_id"] == "6791700809454195207"
    cfg = mask["config"]
    assert cfg["centerX"] == pytest.approx(0.3125) and cfg["centerY"] == pytest.approx(50 / 180)
    assert cfg["width"] == pytest.approx(0.5) and cfg["height"] == pytest.approx(0.5)
    assert (cfg["feather"], cfg["roundCorner"], cfg["rotation"], cfg["invert"]) == (0.2, 0.3, 15.0, False)
    assert mask["id"] in segments(draft)[video][1]["extra_material_refs"]

    # a heart: width follows height × 1.115 × material h / w; roundCorner and width are reported
    data = api.ok("add_masks", {"draft_url": url, "segment_ids": [image, video], "name": "爱心",
                                "height": 300, "width": 100, "roundCorner": 10, "invert": True})
    assert data["masks_added"] == 1 and len(data["mask_ids"]) == 2
    assert any("already has mask" in w for w in data["warnings"])
    assert any("roundCorner ignored" in w for w in data["warnings"])
    draft = load_draft(settings, url)
    heart = next(m for m in draft["materials"]["masks"] if m["id"] == data["mask_ids"][0])
    assert heart["resource_type"] == "geometric_shape" and heart["config"]["aspectRatio"] == 1.115
    assert heart["config"]["height"] == pytest.approx(0.5)
    assert heart["config"]["width"] == pytest.approx(0.5 * 1.115 * 600 / 800)
    assert heart["config"]["roundCorner"] == 0.0 and heart["config"]["invert"] is True
    assert data["mask_ids"][1] == mask["id"] and len(draft["materials"]["masks"]) == 2


def test_add_masks_all_or_nothing(api, media_server, settings, url):
    video = add_video(api, media_server, url)
    audio = add_audio_segment(api, media_server, settings, url)
    path = draft_path(settings, url)
    before = path.read_bytes()
    for body, status, code in (
        ({"segment_ids": []}, 400, 2023),
        ({"segment_ids": [video], "name": "三角形"}, 404, 2025),
        ({"segment_ids": [video, "missing-segment"]}, 404, 2015),
        ({"segment_ids": [video, audio]}, 400, 2016),
        ({"segment_ids": [video], "feather": 101}, 400, 2023),
    ):
        zh, en = api.both_languages("add_masks", {"draft_url": url, **body}, status=status, code=code)
        assert path.read_bytes() == before, (body, en)
    draft = load_draft(settings, url)
    assert draft["materials"]["masks"] == []


# -- add_sticker ------------------------------------------------------------------------------
def test_add_sticker_track_and_layer(api, settings, url):
    data = api.ok("add_sticker", {"draft_url": url, "sticker_id": "7226264929236684092", "start": 1_000_000,
                                  "end": 3_000_000, "scale": 0.5, "transform_x": 960, "transform_y": -540})
    assert data["sticker_id"] == "7226264929236684092" and data["duration"] == 2_000_000
    draft = load_draft(settings, url)
    track, seg = segments(draft)[data["segment_id"]]
    assert track["id"] == data["track_id"] and track["type"] == "sticker"
    assert seg["render_index"] == 14000 and seg["source_timerange"] is None
    assert seg["target_timerange"] == {"start": 1_000_000, "duration": 2_000_000}
    assert seg["clip"]["scale"] == {"x": 0.5, "y": 0.5} and seg["clip"]["transform"] == {"x": 0.5, "y": -0.5}
    assert seg["uniform_scale"]["on"] is True
    material = draft["materials"]["stickers"][0]
    assert material == {"id": seg["material_id"], "resource_id": "7226264929236684092",
                        "sticker_id": "7226264929236684092", "source_platform": 1, "type": "sticker"}
    assert seg["extra_material_refs"][0] in {s["id"] for s in draft["materials"]["speeds"]}
    # ordered tracks added later stack above the sticker layer
    effect = add_effect_segment(api, url)
    assert segments(load_draft(settings, url))[effect][1]["render_index"] == 14001


def test_add_sticker_bad_input(api, settings, url):
    before = draft_path(settings, url).read_bytes()
    base = {"draft_url": url, "sticker_id": "7226264929236684092", "start": 0, "end": 1_000_000}
    api.both_languages("add_sticker", {**base, "end": 0}, status=400, code=2011)
    api.both_languages("add_sticker", {**base, "sticker_id": "  "}, status=400, code=2011)
    api.both_languages("add_sticker", {**base, "scale": 0}, status=400, code=2011)
    zh, en = api.both_languages("add_sticker", {"draft_url": url, "start": 0, "end": 1}, status=400, code=1001)
    assert "sticker_id" in en["message"]
    assert draft_path(settings, url).read_bytes() == before
