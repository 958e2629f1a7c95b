"""Keyframes, transitions, animations, masks, adjustments — and the warnings for approximations."""
from __future__ import annotations

import numpy as np

from draftkit import S, frames
from draftrender.drafts import builders as b
from draftrender.drafts.catalogue import find


def _kf(prop: str, points: list[tuple[int, float]]) -> dict:
    return {"id": f"kf-{prop}", "material_id": "", "property_type": prop, "keyframe_list": [
        {"id": f"{prop}{i}", "time_offset": t, "values": [v], "curveType": "Line", "graphID": "",
         "left_control": {"x": 0.0, "y": 0.0}, "right_control": {"x": 0.0, "y": 0.0}}
        for i, (t, v) in enumerate(points)]}


def _red_centre_x(f: np.ndarray) -> float:
    red = np.argwhere((f[..., 0] > 150) & (f[..., 1] < 100))
    return float(red[:, 1].mean())


def test_keyframed_position_moves_linearly(kit, rmedia):
    seg = kit.visual(rmedia["red_png"], 0, S, scale_x=0.2, scale_y=0.2)
    seg["common_keyframes"] = [_kf("KFTypePositionX", [(0, -0.5), (S, 0.5)])]
    got = frames(kit.render().path, [0, 0.5, 29 / 30])
    xs = [_red_centre_x(got[i]) for i in (0, 15, 29)]
    assert abs(xs[0] - 80) < 3 and abs(xs[1] - 160) < 3 and abs(xs[2] - (80 + 160 * 29 / 30)) < 3


def test_keyframed_alpha_and_scale(kit, rmedia):
    seg = kit.visual(rmedia["red_png"], 0, S)
    seg["common_keyframes"] = [_kf("KFTypeAlpha", [(0, 0.0), (S, 1.0)]), _kf("KFTypeScaleX", [(0, 0.5), (S, 0.5)])]
    got = frames(kit.render().path, [0.5])[15]
    assert 100 < got[90, 160, 0] < 155  # half faded in
    red = np.argwhere(got[..., 0] > 60)
    assert abs((red[:, 1].max() - red[:, 1].min() + 1) - 90) <= 4  # uniform scale 0.5 of 180


def test_dissolve_blends_both_clips_at_the_cut(kit, rmedia):
    track = kit.track("video")
    a = kit.visual(rmedia["red_png"], 0, S, track=track)
    kit.visual(rmedia["quad"], S, S, track=track)
    kit.attach(a, "transitions", b.transition_material(find("transition", "叠化"), 600_000))
    result = kit.render()
    got = frames(result.path, [0.6, 1.0, 1.28])
    before, cut, after = got[18], got[30], got[38]
    assert before[90, 160, 0] > 200 and before[90, 160, 2] < 40  # pure red before the window
    # at the cut (p = 0.5): half red + half of the quad's bottom-right white
    assert 170 < cut[120, 230, 0] < 255 and 100 < cut[120, 230, 2] < 155
    assert after[120, 230].min() > 200
    assert not [w for w in result.warnings if w.kind == "transition"]


def test_unknown_transition_is_approximated_and_reported(kit, rmedia):
    track = kit.track("video")
    a = kit.visual(rmedia["red_png"], 0, S, track=track)
    kit.visual(rmedia["quad"], S, S, track=track)
    kit.attach(a, "transitions", b.transition_material(find("transition", "3D空间"), 500_000))
    result = kit.render()
    assert [(w.kind, w.name) for w in result.warnings] == [("transition", "3D空间")]


def test_fade_in_animation(kit, rmedia):
    seg = kit.visual(rmedia["red_png"], 0, S)
    anim = b.animation(find("video_in", "渐显"), "in", 0, 500_000, text=False)
    kit.attach(seg, "material_animations", b.animation_container([anim]))
    got = frames(kit.render().path, [0, 0.25, 0.6])
    assert got[0][90, 160, 0] < 40 and 90 < got[8][90, 160, 0] < 170 and got[18][90, 160, 0] > 200


def test_circle_mask_with_invert(kit, rmedia):
    seg = kit.visual(rmedia["quad"], 0, S // 3)
    mask = {"id": "m1", "type": "mask", "name": "圆形", "resource_type": "circle", "resource_id": "",
            "config": {"centerX": 0.0, "centerY": 0.0, "width": 0.5, "height": 0.5 * 16 / 9, "aspectRatio": 1.0,
                       "rotation": 0.0, "feather": 0.0, "roundCorner": 0.0, "invert": False}}
    kit.attach(seg, "masks", mask)
    f = frames(kit.render().path, [0])[0]
    assert f[75, 145].max() > 200 and f[10, 10].max() < 30 and f[170, 310].max() < 30
    mask["config"]["invert"] = True
    f = frames(kit.render("inv.mp4").path, [0])[0]
    assert f[75, 145].max() < 30 and f[10, 10].max() > 200


def test_rectangle_mask_keeps_a_box(kit, rmedia):
    seg = kit.visual(rmedia["quad"], 0, S // 3)
    kit.attach(seg, "masks", {"id": "m2", "type": "mask", "name": "矩形", "resource_type": "rectangle",
                              "config": {"centerX": -0.5, "centerY": 0.5, "width": 0.5, "height": 0.5,
                                         "rotation": 0.0, "feather": 0.0, "roundCorner": 0.0, "invert": False}})
    f = frames(kit.render().path, [0])[0]
    assert f[45, 80, 0] > 200 and f[45, 80, 1] < 60  # the red top-left quadrant centre survives
    assert f[135, 240].max() < 30  # bottom-right is masked away


def test_black_and_white_filter_track_desaturates_what_is_below(kit, rmedia):
    kit.visual(rmedia["red_png"], 0, S // 3)
    track, idx = kit.track("filter")
    mat = {"id": "f1", "type": "filter", "name": "黑白", "value": 1.0, "effect_id": "", "resource_id": ""}
    kit.doc.add_material("effects", mat)
    seg = b.segment("f1", b.timerange(0, S // 3), render_index=idx, source=None, media=False)
    track["segments"].append(seg)
    result = kit.render()
    f = frames(result.path, [0])[0]
    r, g, bl = (int(v) for v in f[90, 160])
    assert abs(r - g) < 12 and abs(g - bl) < 12 and r > 40  # grey, not red
    assert [(w.kind, w.name) for w in result.warnings] == [("filter", "黑白")]
