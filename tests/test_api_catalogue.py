"""get_text_animations, get_image_animations, get_filters, get_effects, get_text_effects."""
from __future__ import annotations

import pytest

from draftrender.drafts import catalogue

ANIMATION_KEYS = ["resource_id", "type", "category_id", "category_name", "duration", "id", "name",
                  "request_id", "start", "icon_url", "material_type", "panel", "path", "platform"]


def test_text_animations_all_types_in_order(api):
    data = api.ok("get_text_animations", {})
    effects = data["effects"]
    counts = [len(catalogue.entries(k)) for k in ("text_in", "text_out", "text_loop")]
    assert len(effects) == sum(counts)
    assert [e["type"] for e in effects] == ["in"] * counts[0] + ["out"] * counts[1] + ["loop"] * counts[2]
    assert all(list(e) == ANIMATION_KEYS for e in effects)
    fade = next(e for e in effects if e["type"] == "in" and e["name"] == "渐显")
    entry = catalogue.find("text_in", "渐显")
    assert fade == {"resource_id": "6724916044072227332", "type": "in", "category_id": "ruchang",
                    "category_name": "入场", "duration": entry.default_duration_us, "id": "1644304",
                    "name": "渐显", "request_id": "", "start": 0, "icon_url": "", "material_type": "sticker",
                    "panel": "", "path": "", "platform": "all"}
    loop = next(e for e in effects if e["type"] == "loop")
    assert (loop["category_id"], loop["category_name"]) == ("xunhuan", "循环")


@pytest.mark.parametrize("mode, vip", [(1, True), (2, False)])
def test_text_animations_mode_and_type(api, mode, vip):
    effects = api.ok("get_text_animations", {"mode": mode, "type": "out"})["effects"]
    expected = [e.name for e in catalogue.entries("text_out") if e.vip == vip]
    assert [e["name"] for e in effects] == expected and expected
    assert {e["category_id"] for e in effects} == {"chuchang"}
    # "" (how Coze sends an empty optional field) means all types
    assert len(api.ok("get_text_animations", {"mode": mode, "type": ""})["effects"]) == sum(
        1 for k in ("text_in", "text_out", "text_loop") for e in catalogue.entries(k) if e.vip == vip)


@pytest.mark.parametrize("endpoint", ["get_text_animations", "get_image_animations"])
def test_animations_bad_input(api, endpoint):
    api.both_languages(endpoint, {"mode": 3}, status=400, code=1001)
    zh, en = api.both_languages(endpoint, {"mode": 0, "type": "sideways"}, status=400, code=1001)
    assert "type" in en["message"]
    api.both_languages(endpoint, {"mode": "vip"}, status=400, code=1001)


def test_image_animations_loop_is_group(api):
    effects = api.ok("get_image_animations", {"type": "loop"})["effects"]
    assert [e["name"] for e in effects] == [e.name for e in catalogue.entries("video_group")]
    zoom = next(e for e in effects if e["name"] == "缩放")
    assert (zoom["category_id"], zoom["category_name"], zoom["resource_id"], zoom["id"]) == (
        "pic_xunhuan", "图片循环", "6759078592740594184", "446078")
    everything = api.ok("get_image_animations", {"mode": 0})["effects"]
    assert {e["category_id"] for e in everything} == {"pic_ruchang", "pic_chuchang", "pic_xunhuan"}
    assert all(list(e) == ANIMATION_KEYS for e in everything)
    fade_in = next(e for e in everything if e["type"] == "in" and e["name"] == "渐显")
    assert fade_in["duration"] == catalogue.find("video_in", "渐显").default_duration_us > 0


def test_filters_by_mode(api):
    all_filters = api.ok("get_filters", {})["filters"]
    assert len(all_filters) == len(catalogue.entries("filter"))
    assert all(list(f) == ["name", "is_vip", "resource_id", "effect_id", "has_params"] for f in all_filters)
    first = catalogue.entries("filter")[0]
    assert all_filters[0] == {"name": first.name, "is_vip": first.vip, "resource_id": "", "effect_id": "",
                              "has_params": False}
    vip = api.ok("get_filters", {"mode": 1})["filters"]
    free = api.ok("get_filters", {"mode": 2})["filters"]
    assert vip and free and all(f["is_vip"] for f in vip) and not any(f["is_vip"] for f in free)
    assert len(vip) + len(free) == len(all_filters)


def test_filters_bad_input(api):
    api.both_languages("get_filters", {"mode": -1}, status=400, code=1001)
    api.both_languages("get_filters", {"mode": 7}, status=400, code=1001)


def test_effects_are_scene_effects(api):
    effects = api.ok("get_effects", {"mode": 2})["effects"]
    expected = [e.name for e in catalogue.entries("scene_effect") if not e.vip]
    assert [e["name"] for e in effects] == expected
    assert effects[0] == {"name": expected[0], "is_vip": False, "resource_id": "", "effect_id": "",
                          "icon_url": "", "has_params": False}
    assert len(api.ok("get_effects", {})["effects"]) == len(catalogue.entries("scene_effect"))


def test_effects_bad_input(api):
    api.both_languages("get_effects", {"mode": 5}, status=400, code=1001)


def test_text_effects_empty_with_note(api):
    status, zh = api.post("get_text_effects", {"mode": 0})
    assert status == 200 and zh["code"] == 0 and zh["text_effects"] == []
    assert "花字" in zh["note"]
    _, en = api.post("get_text_effects", {}, lang="en")
    assert en["text_effects"] == [] and "not available" in en["note"]


def test_text_effects_bad_input(api):
    api.both_languages("get_text_effects", {"mode": 3}, status=400, code=1001)


def test_catalogue_routes_document_missing_fields(client):
    paths = client.get("/openapi.json").json()["paths"]
    for name in ("get_text_animations", "get_image_animations", "get_filters", "get_effects"):
        assert "has_params" in paths[f"/openapi/capcut-mate/v1/{name}"]["post"]["description"]
    assert "huazi" in paths["/openapi/capcut-mate/v1/get_text_effects"]["post"]["description"]
