"""Approximated families, one pixel probe each: 闪黑/闪白, slide, wipe and zoom transitions; slide
and rotate in-animations; a text loop pulse; line, mirror, heart and star masks; effect and
sticker tracks reported."""
from __future__ import annotations

import numpy as np
import pytest

from draftkit import S, frames
from draftrender.drafts import builders as b
from draftrender.drafts.catalogue import find
from mediagen import make_image

GREEN, BLUE = (0, 200, 0), (0, 0, 220)


@pytest.fixture(scope="module")
def plates(tmp_path_factory):
    d = tmp_path_factory.mktemp("plates")
    return {"green": make_image(d / "green.png", width=320, height=180, rgba=(*GREEN, 255)),
            "blue": make_image(d / "blue.png", width=320, height=180, rgba=(*BLUE, 255))}


def cut(kit, plates, name: str, duration: int = 600_000):
    """green 0–1 s, blue 1–2 s, transition ``name`` centred on the cut at 1 s."""
    track = kit.track("video")
    a = kit.visual(plates["green"], 0, S, track=track)
    kit.visual(plates["blue"], S, S, track=track)
    kit.attach(a, "transitions", b.transition_material(find("transition", name), duration))
    result = kit.render()
    return result, frames(result.path, [0.5, 1.0, 1.5])


def is_green(px) -> bool:
    return px[1] > 150 and px[0] < 60 and px[2] < 60


def is_blue(px) -> bool:
    return px[2] > 160 and px[0] < 60 and px[1] < 60


@pytest.mark.parametrize("name, check", [("闪黑", lambda f: f.max() < 40), ("闪白", lambda f: f.min() > 215)])
def test_flash_black_and_white_at_the_cut(kit, plates, name, check):
    result, got = cut(kit, plates, name)
    assert is_green(got[15][90, 160]) and is_blue(got[45][90, 160])
    assert check(got[30][60:120, 100:220]), got[30][90, 160]
    assert not [w for w in result.warnings if w.kind == "transition"]  # exact


def test_slide_transition_pushes_the_clips_side_by_side(kit, plates):
    result, got = cut(kit, plates, "向左")
    assert is_green(got[30][90, 40]) and is_blue(got[30][90, 280])
    assert is_green(got[15][90, 280]) and is_blue(got[45][90, 40])
    assert [(w.kind, w.name) for w in result.warnings] == [("transition", "向左")]


def test_wipe_reveals_the_next_clip_from_the_left(kit, plates):
    result, got = cut(kit, plates, "向右擦除")
    assert is_blue(got[30][90, 60]) and is_green(got[30][90, 260])
    assert [(w.kind, w.name) for w in result.warnings] == [("transition", "向右擦除")]


def test_zoom_transition_blends_enlarged_clips(kit, plates):
    result, got = cut(kit, plates, "推近")
    px = got[30][90, 160].astype(int)
    assert 60 < px[1] < 160 and 60 < px[2] < 170  # half green, half blue
    assert [(w.kind, w.name) for w in result.warnings] == [("transition", "推近")]


def _ink_columns(f: np.ndarray, channel: int = 0, level: int = 60) -> np.ndarray:
    return np.argwhere(f[..., channel] > level)[:, 1]


def test_slide_in_animation_moves_from_the_side(kit, rmedia):
    seg = kit.visual(rmedia["red_png"], 0, S)
    kit.attach(seg, "material_animations",
               b.animation_container([b.animation(find("video_in", "向右滑动"), "in", 0, 600_000, text=False)]))
    result = kit.render()
    got = frames(result.path, [0.3, 0.8])
    early, late = _ink_columns(got[9], level=40).mean(), _ink_columns(got[24]).mean()
    assert abs(late - 160) < 3 and early < late - 25  # comes in from the left, moving right
    assert [(w.kind, w.name) for w in result.warnings] == [("animation", "向右滑动")]


def test_rotate_in_animation_turns_the_picture(kit, rmedia):
    seg = kit.visual(rmedia["quad"], 0, S)
    kit.attach(seg, "material_animations",
               b.animation_container([b.animation(find("video_in", "旋转"), "in", 0, 600_000, text=False)]))
    got = frames(kit.render().path, [0.3, 0.8])
    assert got[9][40, 10].max() < 30  # turned by 90°: the canvas corner is empty
    assert got[24][40, 10][0] > 200  # settled: the red quadrant is back in the corner


def test_text_loop_pulse_changes_the_size_over_time(kit):
    seg = kit.text("脉冲文字", 0, 2 * S)
    kit.attach(seg, "material_animations",
               b.animation_container([b.animation(find("text_loop", "放大缩小"), "loop", 0, S, text=True)]))
    got = frames(kit.render().path, [8 / 30, 22 / 30])
    wide, narrow = np.ptp(_ink_columns(got[8], 1, 128)), np.ptp(_ink_columns(got[22], 1, 128))
    assert wide > narrow * 1.08, (wide, narrow)


def _mask(kit, media, shape: str, **config) -> np.ndarray:
    seg = kit.visual(media, 0, S // 3)
    cfg = {"centerX": 0.0, "centerY": 0.0, "width": 0.6, "height": 0.6, "aspectRatio": 1.0, "rotation": 0.0,
           "feather": 0.0, "roundCorner": 0.0, "invert": False, **config}
    kit.attach(seg, "masks", {"id": f"m-{shape}", "type": "mask", "name": shape, "resource_type": "", "config": cfg})
    return frames(kit.render().path, [0])[0]


def test_line_mask_keeps_one_side(kit, plates):
    f = _mask(kit, plates["green"], "线性")
    assert is_green(f[150, 160]) and f[30, 160].max() < 30


def test_mirror_mask_keeps_a_band(kit, plates):
    f = _mask(kit, plates["green"], "镜面", height=0.3)
    assert is_green(f[90, 160]) and f[10, 160].max() < 30 and f[170, 160].max() < 30


@pytest.mark.parametrize("shape", ["爱心", "星形"])
def test_heart_and_star_masks_keep_the_centre(kit, plates, shape):
    f = _mask(kit, plates["green"], shape)
    assert is_green(f[90, 160]) and f[5, 5].max() < 30 and f[175, 315].max() < 30


def test_effect_and_sticker_tracks_are_reported_not_dropped(kit, plates):
    kit.visual(plates["green"], 0, S // 3)
    for kind, material_kind, name in (("effect", "video_effects", "星火"), ("sticker", "stickers", "")):
        track, idx = kit.track(kind)
        mat = {"id": f"{kind}1", "type": kind, "name": name, "resource_id": "7012345678901234567"}
        kit.doc.add_material(material_kind, mat)
        track["segments"].append(b.segment(mat["id"], b.timerange(0, S // 3), render_index=idx, source=None,
                                           media=False))
    result = kit.render()
    assert is_green(frames(result.path, [0])[0][90, 160])
    kinds = {(w.kind, w.name) for w in result.warnings}
    assert ("effect", "星火") in kinds and ("sticker", "7012345678901234567") in kinds
