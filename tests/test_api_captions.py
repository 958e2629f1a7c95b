"""add_captions and add_text_style: the saved draft JSON, capcut-mate's fixture, and errors."""
from __future__ import annotations

import json

import pytest
from support import FIXTURE_DIR, draft_path, load_draft

from draftrender.drafts.text import plain_text


def fixture_call(endpoint: str) -> dict:
    for line in (FIXTURE_DIR / "calls.jsonl").read_text(encoding="utf-8").splitlines():
        call = json.loads(line)
        if call["endpoint"] == endpoint:
            return call
    raise AssertionError(endpoint)


def same(a, b, path: str = "") -> None:
    """Deep equality; floats compared to 1e-9 (capcut-mate writes 0.08000000000000002)."""
    if isinstance(a, dict) and isinstance(b, dict):
        assert set(a) == set(b), (path, sorted(set(a) ^ set(b)))
        for k in a:
            same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), (path, a, b)
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12), (path, a, b)
    else:
        assert a == b, (path, a, b)


def caption_track(draft: dict) -> dict:
    return next(t for t in draft["tracks"] if t["type"] == "text")


def materials_by_id(draft: dict) -> dict:
    return {m["id"]: (kind, m) for kind, items in draft["materials"].items() for m in items
            if isinstance(m, dict) and "id" in m}


def saved(settings, url: str, data: dict) -> list[tuple[dict, dict, dict]]:
    """(segment, text material, parsed content) per caption of a reply, in reply order."""
    draft = load_draft(settings, url)
    mats = materials_by_id(draft)
    track = next(t for t in draft["tracks"] if t["id"] == data["track_id"])
    segs = {s["id"]: s for s in track["segments"]}
    out = []
    for seg_id, text_id in zip(data["segment_ids"], data["text_ids"]):
        seg = segs[seg_id]
        kind, material = mats[seg["material_id"]]
        assert kind == "texts" and material["id"] == text_id
        out.append((seg, material, json.loads(material["content"])))
    return out


def refs_of(draft: dict, seg: dict, kind: str) -> list[dict]:
    mats = materials_by_id(draft)
    return [mats[r][1] for r in seg["extra_material_refs"] if r in mats and mats[r][0] == kind]


def add(api, url: str, captions: list[dict], **fields) -> dict:
    return api.ok("add_captions", {"draft_url": url, "captions": json.dumps(captions, ensure_ascii=False), **fields})


@pytest.fixture
def url(api) -> str:
    return api.create_draft()


# -- capcut-mate's own call -------------------------------------------------------------------
def test_fixture_call_gives_capcut_mates_text_materials_and_segments(api, settings, url):
    call = fixture_call("add_captions")
    data = api.ok("add_captions", {**call["request"], "draft_url": url})
    assert set(call["response"]) <= set(data) and "warnings" not in data
    assert [i["start"] for i in data["segment_infos"]] == [0, 2_500_000]
    assert [i["end"] for i in data["segment_infos"]] == [2_500_000, 6_000_000]
    theirs = json.loads((FIXTURE_DIR / "draft_content.json").read_text(encoding="utf-8"))
    their_mats = materials_by_id(theirs)
    draft = load_draft(settings, url)
    track = caption_track(draft)
    assert track["name"].startswith("caption_track_") and track["id"] == data["track_id"]
    assert draft["tracks"][-1]["id"] == track["id"]  # stacked on top
    their_track = caption_track(theirs)
    for (seg, material, content), their_seg in zip(saved(settings, url, data), their_track["segments"]):
        their_material = their_mats[their_seg["material_id"]][1]
        their_content = json.loads(their_material["content"])
        # capcut-mate's base range is 2 × len(text) (§8 defect); ours is the real length.
        assert their_content["styles"][0]["range"] == [0, 2 * len(their_content["text"])]
        their_content["styles"][0]["range"] = [0, len(their_content["text"])]
        same(content, their_content)
        same({k: v for k, v in material.items() if k not in ("id", "content")},
             {k: v for k, v in their_material.items() if k not in ("id", "content")})
        ignore = ("id", "material_id", "extra_material_refs", "render_index")
        same({k: v for k, v in seg.items() if k not in ignore}, {k: v for k, v in their_seg.items() if k not in ignore})
        assert seg["render_index"] == 1  # only the two empty main tracks (index 0) below
        assert seg["clip"]["transform"]["y"] == pytest.approx(-400 / 1080)
        anims = refs_of(draft, seg, "material_animations")
        their_anims = refs_of(theirs, their_seg, "material_animations")
        same([{k: v for k, v in c.items() if k != "id"} for c in anims],
             [{k: v for k, v in c.items() if k != "id"} for c in their_anims])
        # the first ref is the segment's speed, and here it resolves
        assert refs_of(draft, seg, "speeds")[0]["id"] == seg["extra_material_refs"][0]


def test_each_call_stacks_a_new_track_on_top(api, settings, url):
    first = add(api, url, [{"start": 0, "end": 1_000_000, "text": "one"}])
    second = add(api, url, [{"start": 0, "end": 1_000_000, "text": "two"}])
    draft = load_draft(settings, url)
    assert [t["id"] for t in draft["tracks"][-2:]] == [first["track_id"], second["track_id"]]
    assert [t["segments"][0]["render_index"] for t in draft["tracks"][-2:]] == [1, 2]
    assert draft["duration"] == 1_000_000


# -- styles -----------------------------------------------------------------------------------
def test_keyword_highlight_in_chinese_text(api, settings, url):
    caps = [{"start": 0, "end": 2_000_000, "text": "五个快乐到死的顶级思维", "keyword": "快乐|顶级思维|思维",
             "keyword_color": "#00ff00", "keyword_font_size": 20, "font_size": 16}]
    data = add(api, url, caps, border_color="#112233")
    assert "warnings" not in data
    (seg, material, content), = saved(settings, url, data)
    base, *overlays = content["styles"]
    assert base["range"] == [0, 11] and base["size"] == 16 and base["fill"]["content"]["solid"]["color"] == [1.0, 1.0, 1.0]
    assert [s["range"] for s in overlays] == [[2, 4], [7, 11]]  # 思维 lies inside 顶级思维: no extra overlay
    for s in overlays:
        assert s["size"] == 20 and s["fill"]["content"]["solid"]["color"] == [0.0, 1.0, 0.0]
        assert s["strokes"][0]["content"]["solid"]["color"] == pytest.approx([0x11 / 255, 0x22 / 255, 0x33 / 255])
        assert "shadows" not in s
    assert material["check_flag"] == 7 | 8


def test_keyword_missing_is_reported(api, settings, url):
    data = add(api, url, [{"start": 0, "end": 1_000_000, "text": "你好世界", "keyword": "再见"}])
    assert any("再见" in w for w in data["warnings"])
    (_, _, content), = saved(settings, url, data)
    assert [s["range"] for s in content["styles"]] == [[0, 4]]


def test_ranges_count_utf16_code_units(api, settings, url):
    data = add(api, url, [{"start": 0, "end": 1_000_000, "text": "Hi 😀 ok", "keyword": "ok"}])
    (_, _, content), = saved(settings, url, data)
    # 😀 is one Python character but two UTF-16 code units, as JianYing counts.
    assert [s["range"] for s in content["styles"]] == [[0, 8], [6, 8]]  # 7 characters


def test_keyword_shadow_uses_non_overlapping_partitions(api, settings, url):
    caps = [{"start": 0, "end": 2_000_000, "text": "今天天气真好", "keyword": "天气",
             "keyword_has_shadow": True, "keyword_shadow_info": {"shadow_color": "#ff0000", "shadow_distance": 9}},
            {"start": 2_000_000, "end": 3_000_000, "text": "好天气", "keyword": "天气", "keyword_has_shadow": True}]
    data = add(api, url, caps, has_shadow=True, shadow_info={"shadow_alpha": 0.5, "shadow_color": "#0000ff"})
    (_, m1, c1), (_, m2, c2) = saved(settings, url, data)
    assert [s["range"] for s in c1["styles"]] == [[0, 2], [2, 4], [4, 6]]
    normal, kw, tail = c1["styles"]
    assert normal["shadows"][0]["alpha"] == 0.5 and normal["shadows"][0]["content"]["solid"]["color"] == [0.0, 0.0, 1.0]
    assert tail["shadows"] == normal["shadows"]
    assert kw["shadows"][0]["content"]["solid"]["color"] == [1.0, 0.0, 0.0]
    assert kw["shadows"][0]["distance"] == 9.0 and kw["shadows"][0]["alpha"] == 1.0  # schema default
    assert kw["fill"]["content"]["solid"]["color"] == pytest.approx([1.0, 0x71 / 255, 0.0])  # #ff7100
    assert all(s["strokes"] == [] for s in c1["styles"])
    assert [s["range"] for s in c2["styles"]] == [[0, 1], [1, 3]]
    assert c2["styles"][1]["shadows"][0]["alpha"] == 0.9  # keyword shadow without info: 0.9 default
    assert m1["check_flag"] == m2["check_flag"] == 7 | 32


def test_keyword_shadow_without_body_shadow(api, settings, url):
    data = add(api, url, [{"start": 0, "end": 1_000_000, "text": "abcXYZ", "keyword": "XYZ", "keyword_has_shadow": True}])
    (_, _, content), = saved(settings, url, data)
    assert [(s["range"], len(s["shadows"])) for s in content["styles"]] == [([0, 3], 0), ([3, 6], 1)]


def test_default_shadow_spacing_alpha_and_styles(api, settings, url):
    data = add(api, url, [{"start": 0, "end": 1_000_000, "text": "Hello"}], has_shadow=True, letter_spacing=2.7,
               line_spacing=1, alpha=0.5, italic=True, underline=True, scale_x=2, transform_x=960)
    (seg, material, content), = saved(settings, url, data)
    shadow = content["styles"][0]["shadows"][0]
    same(shadow, {"diffuse": 15 / 600, "alpha": 0.9, "distance": 5.0, "angle": -45.0,
                  "content": {"solid": {"color": [0.0, 0.0, 0.0]}}})
    assert material["letter_spacing"] == pytest.approx(0.1) and material["line_spacing"] == pytest.approx(0.07)
    assert material["global_alpha"] == 0.5 and material["check_flag"] == 7 | 32 and material["type"] == "subtitle"
    style = content["styles"][0]
    assert style["italic"] and style["underline"] and not style["bold"] and style["strokes"] == []
    assert seg["clip"]["transform"] == {"x": 0.5, "y": 0.0} and seg["clip"]["scale"] == {"x": 2.0, "y": 1.0}


@pytest.mark.parametrize("alignment, expected", [(0, (0, 0)), (2, (2, 0)), (3, (1, 1)), (4, (0, 1)), (5, (2, 1))])
def test_alignment_and_vertical_text(api, settings, url, alignment, expected):
    data = add(api, url, [{"start": 0, "end": 1_000_000, "text": "竖排文字"}], alignment=alignment)
    (_, material, _), = saved(settings, url, data)
    assert (material["alignment"], material["typesetting"]) == expected


def test_fonts_by_display_name_and_unknown_font(api, settings, url):
    caps = [{"start": 0, "end": 1_000_000, "text": "字体 test", "keyword": "test", "keyword_font": "得意黑"}]
    data = add(api, url, caps, font="志向黑")  # a unique part of 励字志向黑简 特粗
    (_, _, content), = saved(settings, url, data)
    assert content["styles"][0]["font"]["name"] == "励字志向黑简 特粗"
    assert content["styles"][1]["font"]["name"] == "得意黑"
    data = add(api, url, [{"start": 0, "end": 1_000_000, "text": "x"}], font="No Such Font")
    assert any("No Such Font" in w for w in data["warnings"])
    (_, _, content), = saved(settings, url, data)
    assert "font" not in content["styles"][0]


def test_text_effect_numeric_id_and_unknown_name(api, settings, url):
    data = add(api, url, [{"start": 0, "end": 1_000_000, "text": "花字"}], text_effect="7296357486490144036",
               text_color="#ff0000", border_color="#000000", has_shadow=True)
    assert any("text_effect" in w for w in data["warnings"])
    draft = load_draft(settings, url)
    (seg, material, content), = saved(settings, url, data)
    effect, = refs_of(draft, seg, "effects")
    same({k: v for k, v in effect.items() if k != "id"},
         {"apply_target_type": 0, "effect_id": "7296357486490144036", "resource_id": "7296357486490144036",
          "type": "text_effect", "value": 1.0, "source_platform": 1})
    style = content["styles"][0]
    assert style["effectStyle"] == {"id": "7296357486490144036", "path": "C:"}
    assert style["fill"]["content"]["solid"]["color"] == [1.0, 1.0, 1.0] and style["strokes"] == []
    assert "shadows" not in style and material["check_flag"] == 7
    data = add(api, url, [{"start": 0, "end": 1_000_000, "text": "花字"}], text_effect="白字橘色发光花字")
    assert any("白字橘色发光花字" in w for w in data["warnings"])
    (seg, _, content), = saved(settings, url, data)
    assert "effectStyle" not in content["styles"][0]
    assert not refs_of(load_draft(settings, url), seg, "effects")


def test_animations_are_clipped_and_loop_fits_between(api, settings, url):
    caps = [{"start": 0, "end": 1_000_000, "text": "anim", "in_animation": "渐显", "in_animation_duration": 300_000,
             "out_animation": "渐隐", "out_animation_duration": 400_000, "loop_animation": "彩虹"},
            {"start": 1_000_000, "end": 1_200_000, "text": "short", "in_animation": "渐显",
             "loop_animation": "没有这个动画"}]
    data = add(api, url, caps)
    assert any("没有这个动画" in w for w in data["warnings"])
    draft = load_draft(settings, url)
    (s1, _, _), (s2, _, _) = saved(settings, url, data)
    container, = refs_of(draft, s1, "material_animations")
    got = [(a["type"], a["start"], a["duration"], a["panel"], a["material_type"]) for a in container["animations"]]
    assert got == [("in", 0, 300_000, "", "sticker"), ("out", 600_000, 400_000, "", "sticker"),
                   ("loop", 300_000, 300_000, "", "sticker")]  # one 0.5 s cycle capped by the 0.3 s room
    container, = refs_of(draft, s2, "material_animations")
    assert [(a["type"], a["start"], a["duration"]) for a in container["animations"]] == [("in", 0, 200_000)]


# -- errors -----------------------------------------------------------------------------------
@pytest.mark.parametrize("captions", [
    [{"start": 0, "end": 1_000_000}],
    [{"start": 0, "end": 1_000_000, "text": "   "}],
    [{"start": 1_000_000, "end": 1_000_000, "text": "x"}],
    [{"start": -1, "end": 1_000_000, "text": "x"}],
    [{"start": 0, "end": 1_000_000, "text": "x", "font_size": -3}],
    [{"start": 0, "end": 1_000_000, "text": "x", "keyword_shadow_info": {"shadow_alpha": 3}}],
    "not json",
    "[]",
])
def test_add_captions_bad_captions(api, settings, url, captions):
    before = draft_path(settings, url).read_bytes()
    body = {"draft_url": url, "captions": captions if isinstance(captions, str) else json.dumps(captions)}
    api.both_languages("add_captions", body, status=400, code=2018)
    assert draft_path(settings, url).read_bytes() == before


def test_overlapping_captions_fail_and_save_nothing(api, settings, url):
    before = draft_path(settings, url).read_bytes()
    caps = [{"start": 0, "end": 2_000_000, "text": "a"}, {"start": 1_000_000, "end": 3_000_000, "text": "b"}]
    zh, en = api.both_languages("add_captions", {"draft_url": url, "captions": json.dumps(caps)}, status=400, code=2019)
    assert "overlaps" in en["message"]
    assert draft_path(settings, url).read_bytes() == before


def test_add_captions_bad_fields_and_draft(api, url):
    caps = json.dumps([{"start": 0, "end": 1, "text": "x"}])
    api.both_languages("add_captions", {"draft_url": url, "captions": caps, "alignment": 6}, status=400, code=1001)
    api.both_languages("add_captions", {"draft_url": url, "captions": caps, "shadow_info": {"shadow_angle": 200}},
                       status=400, code=1001)
    missing = url.split("draft_id=")[0] + "draft_id=" + "2" * 22
    api.both_languages("add_captions", {"draft_url": missing, "captions": caps}, status=404, code=2001)


# -- add_text_style ---------------------------------------------------------------------------
def test_add_text_style_partitions(api):
    data = api.ok("add_text_style", {"text": "五个快乐到死的顶级思维", "keyword": "快乐|顶级思维"})
    text_style = data["text_style"]
    assert isinstance(text_style, str) and ", " not in text_style and '": ' not in text_style  # compact
    parsed = json.loads(text_style)
    white, orange = [1.0, 1.0, 1.0], [1.0, 0x71 / 255, 0.0]
    expected = [([0, 2], 12, white, False), ([2, 4], 15, orange, True), ([4, 7], 12, white, False),
                ([7, 11], 15, orange, True)]
    assert parsed["text"] == "五个快乐到死的顶级思维"
    assert [(s["range"], s["size"], s["fill"]["content"]["solid"]["color"], s.get("useLetterColor", False))
            for s in parsed["styles"]] == expected
    assert all(s["font"] == {"id": "", "path": ""} for s in parsed["styles"])
    assert "warnings" not in data


def test_add_text_style_without_matches_and_options(api):
    data = api.ok("add_text_style", {"text": "hello", "keyword": " | ", "font_size": 20})
    parsed = json.loads(data["text_style"])
    assert [(s["range"], s["size"]) for s in parsed["styles"]] == [([0, 5], 20)]
    data = api.ok("add_text_style", {"text": "hello", "keyword": "bye", "keyword_color": "red"})
    assert len(data["warnings"]) == 2  # bad colour, keyword not found


def test_add_text_style_bad_input(api):
    zh, en = api.both_languages("add_text_style", {"text": "hello"}, status=400, code=1001)
    assert "keyword" in en["message"]
    api.both_languages("add_text_style", {"text": "hello", "keyword": "h", "font_size": 0}, status=400, code=1001)


# -- reuse ------------------------------------------------------------------------------------
def test_plain_text_for_other_routes():
    material, seg, speed = plain_text("标题", start=0, duration=5_000_000, render_index=3, color="#ff0000",
                                      font_size=20, y=0.25)
    content = json.loads(material["content"])
    assert material["type"] == "text" and material["alignment"] == 1 and material["check_flag"] == 7
    assert content["styles"][0]["range"] == [0, 2] and content["styles"][0]["size"] == 20
    assert content["styles"][0]["fill"]["content"]["solid"]["color"] == [1.0, 0.0, 0.0]
    assert seg["material_id"] == material["id"] and seg["extra_material_refs"] == [speed["id"]]
    assert seg["render_index"] == 3 and seg["clip"]["transform"] == {"x": 0.0, "y": 0.25}
    assert seg["source_timerange"] is None and seg["target_timerange"] == {"start": 0, "duration": 5_000_000}
