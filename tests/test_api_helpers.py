"""Helper routes: timelines, *_infos (fed to the add_* routes), converters, search_sticker."""
from __future__ import annotations

import json
import random

import pytest
from support import load_draft

from draftrender.drafts import catalogue

T3 = [{"start": 0, "end": 1_000_000}, {"start": 1_000_000, "end": 2_500_000}, {"start": 2_500_000, "end": 4_000_000}]
BAD_TIMELINE = [{"start": 2_000_000, "end": 1_000_000}]


@pytest.fixture
def url(api) -> str:
    return api.create_draft()


def segments_of(draft: dict, track_id: str) -> list[dict]:
    return next(t for t in draft["tracks"] if t["id"] == track_id)["segments"]


def test_infos_are_compact_strings(api):
    infos = api.ok("effect_infos", {"effects": ["DV界面"], "timelines": T3[:1]})["infos"]
    assert infos == '[{"effect_title":"DV界面","start":0,"end":1000000}]'


# -- timelines ------------------------------------------------------------------------------------
def test_timelines_even_split(api):
    data = api.ok("timelines", {"duration": 10_000_000, "num": 3, "start": 1_000_000, "type": 0})
    assert data["timelines"] == [{"start": 1_000_000, "end": 4_333_333}, {"start": 4_333_333, "end": 7_666_666},
                                 {"start": 7_666_666, "end": 11_000_000}]
    assert data["all_timelines"] == [{"start": 1_000_000, "end": 11_000_000}]
    empty = api.ok("timelines", {"duration": 5, "num": 0, "start": 0, "type": 0})
    assert empty["timelines"] == [] and empty["all_timelines"] == [{"start": 0, "end": 5}] and empty["warnings"]


def test_timelines_random_split_is_seeded(api):
    body = {"duration": 6_000_000, "num": 4, "start": 500_000, "type": 1}
    first, second = api.ok("timelines", body), api.ok("timelines", body)
    assert first["timelines"] == second["timelines"]
    pieces = first["timelines"]
    cuts = sorted(random.Random(42).sample(range(500_001, 6_500_000), 3))
    assert [p["end"] for p in pieces] == [*cuts, 6_500_000]
    assert pieces[0]["start"] == 500_000 and all(a["end"] == b["start"] for a, b in zip(pieces, pieces[1:]))
    assert all(p["end"] > p["start"] for p in pieces)
    # a tiny range still gives non-empty pieces
    tiny = api.ok("timelines", {"duration": 3, "num": 3, "start": 0, "type": 1})["timelines"]
    assert tiny == [{"start": 0, "end": 1}, {"start": 1, "end": 2}, {"start": 2, "end": 3}]


def test_timelines_bad_input(api):
    api.both_languages("timelines", {"duration": 1000, "num": 2, "start": 0, "type": 2}, status=400, code=1001)
    zh, en = api.both_languages("timelines", {"duration": 2, "num": 5, "start": 0, "type": 0}, status=400, code=1001)
    assert "num" in en["message"] and "duration" in en["message"]
    api.both_languages("timelines", {"duration": 1000, "num": 2, "start": 0}, status=400, code=1001)


# -- audio_timelines / audio_infos ---------------------------------------------------------------
def test_audio_timelines_from_durations(api, media_server):
    data = api.ok("audio_timelines", {"links": [media_server.url("tone.mp3"), media_server.url("clip.mp4"),
                                                media_server.url("tone.mp3")]})
    t = data["timelines"]
    assert len(t) == 3 and t[0]["start"] == 0
    assert abs(t[0]["end"] - 6_000_000) < 100_000 and abs((t[1]["end"] - t[1]["start"]) - 5_000_000) < 100_000
    assert t[1]["start"] == t[0]["end"] and t[2]["start"] == t[1]["end"]
    assert t[2]["end"] - t[2]["start"] == t[0]["end"]
    assert data["all_timelines"] == [{"start": 0, "end": t[2]["end"]}]
    assert api.ok("audio_timelines", {"links": []})["all_timelines"] == [{"start": 0, "end": 0}]


def test_audio_timelines_bad_input(api, media_server):
    zh, en = api.both_languages("audio_timelines", {"links": [media_server.url("gone.mp3")]}, status=400, code=2005)
    assert "gone.mp3" in en["message"]
    zh, en = api.both_languages("audio_timelines", {"links": [media_server.url("not_media.mp4")]},
                                status=400, code=2034)
    assert "not_media.mp4" in en["message"]
    api.both_languages("audio_timelines", {"links": ["file:///etc/passwd"]}, status=400, code=1001)


def test_audio_infos_feed_add_audios(api, media_server, settings, url):
    tone = media_server.url("tone.mp3")
    data = api.ok("audio_infos", {"mp3_urls": [tone, tone, tone], "timelines": T3[:2], "volume": 0.5,
                                  "audio_effect": None})
    items = json.loads(data["infos"])
    assert items == [{"audio_url": tone, "start": 0, "end": 1_000_000, "volume": 0.5},
                     {"audio_url": tone, "start": 1_000_000, "end": 2_500_000, "volume": 0.5}]
    assert "mp3_urls" in data["warnings"][0]  # the third URL was dropped, and said so
    added = api.ok("add_audios", {"draft_url": url, "audio_infos": data["infos"]})
    segs = segments_of(load_draft(settings, url), added["track_id"])
    assert [(s["target_timerange"]["start"], s["volume"]) for s in segs] == [(0, 0.5), (1_000_000, 0.5)]


def test_audio_infos_bad_input(api):
    zh, en = api.both_languages("audio_infos", {"mp3_urls": ["http://x/a.mp3"], "timelines": BAD_TIMELINE},
                                status=400, code=1001)
    assert "timelines" in en["message"] and "end" in en["message"]
    api.both_languages("audio_infos", {"mp3_urls": [], "timelines": T3}, status=400, code=1001)


# -- imgs_infos / video_infos ---------------------------------------------------------------------
def test_imgs_infos_feed_add_images(api, media_server, settings, url):
    pic = media_server.url("pic.png")
    data = api.ok("imgs_infos", {"imgs": [pic, pic, pic], "timelines": T3, "width": 800, "height": 600,
                                 "in_animation": "渐显|动感放大", "in_animation_duration": 400_000,
                                 "out_animation": "渐隐", "transition": "叠化", "transition_duration": 300_000})
    items = json.loads(data["infos"])
    assert items[0] == {"image_url": pic, "start": 0, "end": 1_000_000, "height": 600, "width": 800,
                        "in_animation": "渐显", "in_animation_duration": 400_000, "out_animation": "渐隐",
                        "transition": "叠化", "transition_duration": 300_000}
    assert [i["in_animation"] for i in items] == ["渐显", "动感放大", "动感放大"]  # last one reused
    assert "warnings" not in data
    added = api.ok("add_images", {"draft_url": url, "image_infos": data["infos"]})
    assert "warnings" not in added
    draft = load_draft(settings, url)
    assert [s["target_timerange"] for s in segments_of(draft, added["track_id"])] == [
        {"start": t["start"], "duration": t["end"] - t["start"]} for t in T3]
    anims = [a for c in draft["materials"]["material_animations"] for a in c["animations"]]
    assert [a["name"] for a in anims if a["type"] == "in"] == ["渐显", "动感放大", "动感放大"]
    assert [t["name"] for t in draft["materials"]["transitions"]] == ["叠化"] * 3


def test_imgs_infos_unknown_names_warn_and_bad_input(api):
    data = api.ok("imgs_infos", {"imgs": ["http://x/a.png"], "timelines": T3[:1], "loop_animation": "没有这个"})
    assert json.loads(data["infos"])[0]["loop_animation"] == "没有这个" and "没有这个" in data["warnings"][0]
    api.both_languages("imgs_infos", {"imgs": ["http://x/a.png"], "timelines": BAD_TIMELINE}, status=400, code=1001)
    api.both_languages("imgs_infos", {"imgs": "http://x/a.png", "timelines": T3}, status=400, code=1001)


def test_video_infos_feed_add_videos(api, media_server, settings, url):
    clip = media_server.url("clip.mp4")
    data = api.ok("video_infos", {"video_urls": [clip, clip], "timelines": T3[:2], "width": 640, "height": 360,
                                  "transition": "叠化", "transition_duration": 200_000, "volume": 0.7})
    items = json.loads(data["infos"])
    assert items[1] == {"video_url": clip, "start": 1_000_000, "end": 2_500_000, "duration": 1_500_000,
                        "width": 640, "height": 360, "transition": "叠化", "transition_duration": 200_000,
                        "volume": 0.7}
    assert json.loads(api.ok("video_infos", {"video_urls": [clip], "timelines": T3[:1]})["infos"])[0]["volume"] == 1.0
    added = api.ok("add_videos", {"draft_url": url, "video_infos": data["infos"]})
    segs = segments_of(load_draft(settings, url), added["track_id"])
    assert [s["volume"] for s in segs] == [0.7, 0.7] and segs[1]["target_timerange"]["start"] == 1_000_000


def test_video_infos_bad_input(api):
    api.both_languages("video_infos", {"video_urls": ["http://x/a.mp4"], "timelines": BAD_TIMELINE},
                       status=400, code=1001)
    api.both_languages("video_infos", {"video_urls": ["http://x/a.mp4"], "timelines": T3, "volume": -1},
                       status=400, code=1001)


# -- caption_infos / effect_infos / filter_infos --------------------------------------------------
def test_caption_infos_feed_add_captions(api, settings, url):
    shadow = {"shadow_alpha": 0.5, "shadow_color": "#112233", "shadow_diffuse": 10, "shadow_distance": 3,
              "shadow_angle": 30}
    data = api.ok("caption_infos", {"texts": ["你好 世界", "second line"], "timelines": T3[:2],
                                    "keywords": ["世界"], "keyword_color": "#ff0000", "keyword_font_size": 18,
                                    "keyword_has_shadow": True, "keyword_shadow_info": shadow, "font_size": 12,
                                    "in_animation": "渐显", "in_animation_duration": 300_000})
    items = json.loads(data["infos"])
    assert items[0] == {"start": 0, "end": 1_000_000, "text": "你好 世界", "keyword": "世界",
                        "keyword_color": "#ff0000", "keyword_font_size": 18, "keyword_has_shadow": True,
                        "keyword_shadow_info": {**shadow, "shadow_diffuse": 10.0, "shadow_distance": 3.0,
                                                "shadow_angle": 30.0},
                        "font_size": 12, "in_animation": "渐显", "in_animation_duration": 300_000}
    assert items[1]["keyword"] == "" and items[1]["text"] == "second line"
    added = api.ok("add_captions", {"draft_url": url, "captions": data["infos"]})
    draft = load_draft(settings, url)
    texts = [json.loads(m["content"])["text"] for m in draft["materials"]["texts"]]
    assert texts == ["你好 世界", "second line"]
    segs = segments_of(draft, added["track_id"])
    assert [s["target_timerange"]["duration"] for s in segs] == [1_000_000, 1_500_000]
    intros = [a for c in draft["materials"]["material_animations"] for a in c["animations"] if a["type"] == "in"]
    assert [(a["name"], a["duration"]) for a in intros] == [("渐显", 300_000)] * 2


def test_caption_infos_bad_input(api):
    api.both_languages("caption_infos", {"texts": ["a"], "timelines": BAD_TIMELINE}, status=400, code=1001)
    api.both_languages("caption_infos", {"texts": ["a"], "timelines": T3[:1],
                                         "keyword_shadow_info": {"shadow_alpha": 5}}, status=400, code=1001)


def test_effect_infos_feed_add_effects(api, settings, url):
    data = api.ok("effect_infos", {"effects": ["DV界面", "几何拖尾 I"], "timelines": T3})
    assert json.loads(data["infos"]) == [{"effect_title": "DV界面", "start": 0, "end": 1_000_000},
                                         {"effect_title": "几何拖尾 I", "start": 1_000_000, "end": 2_500_000}]
    assert "timelines" in data["warnings"][0]
    added = api.ok("add_effects", {"draft_url": url, "effect_infos": data["infos"]})
    draft = load_draft(settings, url)
    mats = {m["id"]: m["name"] for m in draft["materials"]["video_effects"]}
    assert [mats[i] for i in added["effect_ids"]] == ["DV界面", "几何拖尾 I"]


def test_effect_infos_bad_input(api):
    api.both_languages("effect_infos", {"effects": ["DV界面"], "timelines": BAD_TIMELINE}, status=400, code=1001)
    api.both_languages("effect_infos", {"effects": ["DV界面"]}, status=400, code=1001)


def test_filter_infos_feed_add_filters(api, settings, url):
    name = catalogue.entries("filter")[0].name
    data = api.ok("filter_infos", {"filters": [name] * 3, "timelines": T3, "intensities": [150, 40]})
    assert json.loads(data["infos"]) == [
        {"filter_title": name, "start": 0, "end": 1_000_000, "intensity": 100.0},
        {"filter_title": name, "start": 1_000_000, "end": 2_500_000, "intensity": 40.0},
        {"filter_title": name, "start": 2_500_000, "end": 4_000_000, "intensity": 100.0}]
    assert any("clamped" in w for w in data["warnings"]) and any("missing ones are 100" in w for w in data["warnings"])
    added = api.ok("add_filters", {"draft_url": url, "filter_infos": data["infos"]})
    mats = {m["id"]: m for m in load_draft(settings, url)["materials"]["effects"]}
    assert [mats[i]["value"] for i in added["filter_ids"]] == [1.0, 0.4, 1.0]


def test_filter_infos_bad_input(api):
    api.both_languages("filter_infos", {"filters": ["x"], "timelines": BAD_TIMELINE}, status=400, code=1001)
    api.both_languages("filter_infos", {"filters": ["x"], "timelines": T3, "intensities": ["high"]},
                       status=400, code=1001)


# -- keyframes_infos ----------------------------------------------------------------------------
def test_keyframes_infos_feed_add_keyframes(api, media_server, settings, url):
    added = api.ok("add_videos", {"draft_url": url, "video_infos": json.dumps(
        [{"video_url": media_server.url("clip.mp4"), "start": 0, "end": 2_000_000}])})
    seg_infos = added["segment_infos"]
    data = api.ok("keyframes_infos", {"ctype": "KFTypePositionX", "offsets": "0|50|100", "values": "0|960|-480",
                                      "segment_infos": seg_infos, "width": 1920})
    items = json.loads(data["keyframes_infos"])
    sid = seg_infos[0]["id"]
    assert items == [{"offset": 0, "property": "KFTypePositionX", "segment_id": sid, "value": 0.0},
                     {"offset": 1_000_000, "property": "KFTypePositionX", "segment_id": sid, "value": 0.5},
                     {"offset": 2_000_000, "property": "KFTypePositionX", "segment_id": sid, "value": -0.25}]
    result = api.ok("add_keyframes", {"draft_url": url, "keyframes": data["keyframes_infos"]})
    assert result["keyframes_added"] == 3
    seg = segments_of(load_draft(settings, url), added["track_id"])[0]
    kl = next(k for k in seg["common_keyframes"] if k["property_type"] == "KFTypePositionX")
    assert [(k["time_offset"], k["values"]) for k in kl["keyframe_list"]] == [
        (0, [0.0]), (1_000_000, [0.5]), (2_000_000, [-0.25])]


def test_keyframes_infos_bad_input(api):
    seg = [{"id": "abc", "start": 0, "end": 1_000_000}]
    zh, en = api.both_languages("keyframes_infos", {"ctype": "KFTypeAlpha", "offsets": "0|50|100", "values": "1|0",
                                                    "segment_infos": seg}, status=400, code=2013)
    assert "offsets has 3" in en["message"]
    api.both_languages("keyframes_infos", {"ctype": "KFTypeAlpha", "offsets": "0|x", "values": "1|0",
                                           "segment_infos": seg}, status=400, code=2013)
    api.both_languages("keyframes_infos", {"ctype": "Wobble", "offsets": "0", "values": "1",
                                           "segment_infos": seg}, status=400, code=2013)
    api.both_languages("keyframes_infos", {"ctype": "KFTypeAlpha", "offsets": "0|150", "values": "1|0",
                                           "segment_infos": seg}, status=400, code=2013)
    api.both_languages("keyframes_infos", {"ctype": "KFTypeAlpha", "offsets": "0", "values": "3",
                                           "segment_infos": seg}, status=400, code=2013)


# -- converters and search_sticker --------------------------------------------------------------
def test_converters_round_trip(api):
    assert api.ok("get_url", {"output": "http://a/b.mp4"})["output"] == "http://a/b.mp4"
    assert api.ok("str_to_list", {"obj": '{"a":1}'})["infos"] == ['{"a":1}']
    objs = api.ok("str_list_to_objs", {"infos": ["u1", "u2"]})["infos"]
    assert objs == [{"output": "u1"}, {"output": "u2"}]
    assert api.ok("objs_to_str_list", {"outputs": objs})["infos"] == ["u1", "u2"]


@pytest.mark.parametrize("endpoint, body", [
    ("get_url", {}), ("str_to_list", {"obj": 5}), ("str_list_to_objs", {"infos": "u1"}),
    ("objs_to_str_list", {"outputs": [{"url": "u1"}]}), ("search_sticker", {})])
def test_converters_bad_input(api, endpoint, body):
    api.both_languages(endpoint, body, status=400, code=1001)


def test_search_sticker_empty_with_note(api):
    data = api.ok("search_sticker", {"keyword": "猫"})
    assert data["data"] == [] and "贴纸" in data["note"]
    _, en = api.post("search_sticker", {"keyword": "cat"}, lang="en")
    assert en["data"] == [] and "not available" in en["note"]
