"""Text layers through the whole renderer: one synthetic draft per feature, probed by pixels.

Canvas 320x180, so one JianYing size unit is 320 × 0.00625 = 2 px per em (size 15 → 30 px).
"""
from __future__ import annotations

import av
import numpy as np

from draftkit import S, frames
from draftrender.drafts import builders as b
from draftrender.drafts import text as dtext
from draftrender.drafts.catalogue import find

W, H = 320, 180
PX_PER_SIZE = W * 0.00625
RED, BLUE, YELLOW, WHITE = (1.0, 0.0, 0.0), (0.0, 0.0, 1.0), (1.0, 1.0, 0.0), (1.0, 1.0, 1.0)


def _styles(text: str, color=WHITE, size: float = 15, **look) -> list[dict]:
    styles, _ = dtext.build_styles(text, dtext.Look(color=color, size=size, **look))
    return styles


def _caption(kit, text: str, styles: list[dict], dur: int = S // 3, **material) -> dict:
    """A text segment whose material is made by drafts/text.py (the API's own builder)."""
    mat = dtext.text_material(text, styles=styles, **material)
    return kit.text(text, 0, dur, material=mat)


def _is(f: np.ndarray, rgb, tol: int = 70) -> np.ndarray:
    return (np.abs(f.astype(int) - np.array(rgb) * 255).max(axis=2) < tol)


def _box(mask: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def _ink(f: np.ndarray) -> np.ndarray:
    return f.max(axis=2) > 60


def test_horizontal_caption_fills_its_box_at_the_calibrated_size(kit):
    text = "中文字幕"
    _caption(kit, text, _styles(text, YELLOW, size=15))
    result = kit.render()
    f = frames(result.path, [0])[0]
    em = 15 * PX_PER_SIZE  # 30 px
    yellow = _is(f, YELLOW)
    assert yellow.sum() > 400
    x0, y0, x1, y1 = _box(yellow)
    # four one-em CJK glyphs centred on the canvas centre (160, 90)
    assert abs((x0 + x1) / 2 - 160) <= 3 and abs((y0 + y1) / 2 - 90) <= 4
    assert 3.6 * em <= x1 - x0 + 1 <= 4.1 * em
    assert 0.75 * em <= y1 - y0 + 1 <= 1.05 * em  # CJK ink is a little under one em tall
    box = np.zeros_like(yellow)
    box[int(90 - 0.7 * em):int(90 + 0.7 * em), int(160 - 2.2 * em):int(160 + 2.2 * em)] = True
    assert not (_ink(f) & ~box).any()  # nothing drawn outside the expected box
    assert not [w for w in result.warnings if w.kind in ("font", "text")]


def test_size_scales_the_glyphs(kit):
    text = "中文"
    kit.text(text, 0, S // 3, styles=_styles(text, size=20), y=0.5)  # in the top half
    kit.text(text, 0, S // 3, styles=_styles(text, size=10), y=-0.5)
    f = frames(kit.render().path, [0])[0]
    top, bottom = _ink(f[:90]), _ink(f[90:])
    h_big, h_small = (_box(m)[3] - _box(m)[1] + 1 for m in (top, bottom))
    assert 0.75 * 20 * PX_PER_SIZE <= h_big <= 1.05 * 20 * PX_PER_SIZE
    assert 1.7 < h_big / h_small < 2.3


def test_stroke_colour_surrounds_the_fill(kit):
    text = "中文字"
    styles = _styles(text, YELLOW, size=20, border=BLUE)
    styles[0]["strokes"][0]["width"] = 0.15  # 6 px at 40 px per em: wide enough for 4:2:0 chroma
    _caption(kit, text, styles)
    f = frames(kit.render().path, [0])[0]
    fill, stroke = _is(f, YELLOW, 80), _is(f, BLUE, 90)
    assert fill.sum() > 300 and stroke.sum() > 300
    fx0, fy0, fx1, fy1 = _box(fill)
    sx0, sy0, sx1, sy1 = _box(stroke)
    assert sx0 < fx0 and sy0 < fy0 and sx1 > fx1 and sy1 > fy1
    # without a border there is no blue at all
    styles = _styles(text, YELLOW, size=20)
    kit.doc.materials("texts")[0]["content"] = dtext.text_material(text, styles=styles)["content"]
    f = frames(kit.render("plain.mp4").path, [0])[0]
    assert _is(f, BLUE, 90).sum() == 0


def test_per_range_colours_land_on_their_characters(kit):
    text = "红红蓝蓝"
    styles, missing = dtext.build_styles(text, dtext.Look(color=RED, size=15), keyword=dtext.Look(color=BLUE, size=15),
                                         keywords="蓝蓝")
    assert not missing
    _caption(kit, text, styles)
    f = frames(kit.render().path, [0])[0]
    red, blue = _is(f, RED, 90), _is(f, BLUE, 90)
    assert red.sum() > 150 and blue.sum() > 150
    assert _box(red)[2] <= 162 and _box(blue)[0] >= 158  # red left of the centre, blue right of it
    assert _box(red)[0] < 120 and _box(blue)[2] > 200


def test_emoji_before_a_keyword_keeps_the_keyword_colour_on_the_keyword(kit):
    text = "😀😀红红蓝蓝"  # the keyword's UTF-16 range is 2 units later than its str index
    styles, _ = dtext.build_styles(text, dtext.Look(color=RED, size=15), keyword=dtext.Look(color=BLUE, size=15),
                                   keywords="蓝蓝")
    _caption(kit, text, styles)
    f = frames(kit.render().path, [0])[0]
    red, blue = _is(f, RED, 90), _is(f, BLUE, 90)
    assert blue.sum() > 150 and red.sum() > 150
    assert _box(blue)[0] > _box(red)[2] - 2  # both blue glyphs after the red ones


def test_alignment_moves_the_short_line(kit):
    text = "中文中文中文\n中"

    def short_line_x(alignment: int, name: str) -> float:
        kit.doc.data["tracks"] = []
        kit.doc.data["materials"]["texts"] = []
        _caption(kit, text, _styles(text, size=10), alignment=alignment)
        f = frames(kit.render(name).path, [0])[0]
        ink = _ink(f)
        rows = np.flatnonzero(ink.any(axis=1))
        lower = ink[(rows[0] + rows[-1]) // 2 + 2:]
        return float(np.nonzero(lower)[1].mean())

    left, centre = short_line_x(0, "left.mp4"), short_line_x(1, "centre.mp4")
    em = 10 * PX_PER_SIZE
    assert abs(centre - 160) <= 3
    assert abs(left - (160 - 3 * em + em / 2)) <= 4  # the first character of a 6-em line


def test_vertical_cjk_caption_stacks_characters_top_to_bottom(kit):
    text = "上中文下"
    styles = _styles(text, WHITE, size=15)
    styles += [dtext.style(0, 1, dtext.Look(color=RED, size=15)), dtext.style(3, 4, dtext.Look(color=BLUE, size=15))]
    _caption(kit, text, styles, vertical=True)
    f = frames(kit.render().path, [0])[0]
    x0, y0, x1, y1 = _box(_ink(f))
    em = 15 * PX_PER_SIZE
    assert y1 - y0 > 2.5 * (x1 - x0)  # a column: much taller than wide
    assert 3.5 * em <= y1 - y0 + 1 <= 4.2 * em and x1 - x0 + 1 <= 1.1 * em
    red, blue = np.nonzero(_is(f, RED, 90)), np.nonzero(_is(f, BLUE, 90))
    assert len(red[0]) > 100 and len(blue[0]) > 100
    assert red[0].mean() < 90 - em < 90 + em < blue[0].mean()  # first character on top, last at the bottom
    assert abs(red[1].mean() - blue[1].mean()) < 4  # in the same column


def test_text_fade_in_and_out_animations(kit):
    text = "中文字幕"
    seg = kit.text(text, 0, S, styles=_styles(text))
    anims = [b.animation(find("text_in", "渐显"), "in", 0, 500_000, text=True),
             b.animation(find("text_out", "渐隐"), "out", 700_000, 300_000, text=True)]
    kit.attach(seg, "material_animations", b.animation_container(anims))
    result = kit.render()
    got = frames(result.path, [2 / 30, 8 / 30, 18 / 30, 28 / 30])
    ink = {i: float(got[i].astype(np.float64).sum()) for i in got}
    assert ink[2] < 0.35 * ink[18] and 0.35 * ink[18] < ink[8] < 0.8 * ink[18]
    assert ink[28] < 0.5 * ink[18]  # fading out again
    assert not [w for w in result.warnings if w.kind == "animation"]  # 渐显/渐隐 are exact


def test_unknown_font_falls_back_to_the_default_with_a_warning(kit):
    text = "中文字幕"
    seg = _caption(kit, text, _styles(text, font={"id": "7999999999999999999", "path": "D:", "name": "没有的字体"}))
    result = kit.render("unknown.mp4")
    fonts = [w for w in result.warnings if w.kind == "font"]
    assert [(w.name, w.segment_id) for w in fonts] == [("7999999999999999999", seg["id"])]
    unknown = frames(result.path, [0])[0]
    kit.doc.materials("texts")[0]["content"] = dtext.text_material(text, styles=_styles(text))["content"]
    plain = kit.render("default.mp4")
    assert not [w for w in plain.warnings if w.kind == "font"]
    default = frames(plain.path, [0])[0]
    assert np.abs(unknown.astype(int) - default.astype(int)).mean() < 0.5  # drawn with the default font


def test_font_given_by_name_only_is_looked_up_by_name(kit):
    text = "Hello"
    entry = dtext.find_font("思源黑体") or dtext.find_font("Source Han Sans")
    font = dtext.font_json(entry) if entry else {"id": "", "path": "D:", "name": "思源黑体"}
    _caption(kit, text, _styles(text, font=font))
    result = kit.render()
    assert not [w for w in result.warnings if w.kind == "font"]
    assert _ink(frames(result.path, [0])[0]).sum() > 100


def _yuv(path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with av.open(str(path)) as c:
        frame = next(c.decode(video=0))
        buf = frame.to_ndarray(format="yuv420p")
    h, w = frame.height, frame.width
    flat, q = buf.reshape(-1), (h // 2) * (w // 2)
    return buf[:h], flat[w * h:w * h + q].reshape(h // 2, w // 2), flat[w * h + q:].reshape(h // 2, w // 2)


def test_white_text_edges_keep_neutral_chroma(kit):
    text = "中文字幕 abc"
    _caption(kit, text, _styles(text, WHITE, size=12))
    y, u, v = _yuv(kit.render().path)
    edges = (y > 30) & (y < 200)  # anti-aliased, half-transparent edge pixels
    assert edges.sum() > 200
    assert np.abs(u.astype(int) - 128).max() <= 3 and np.abs(v.astype(int) - 128).max() <= 3


def test_transparent_pixels_colour_never_bleeds_into_chroma(kit, tmp_path):
    """A PNG whose fully transparent pixels hold pure red RGB (as many exporters leave them):
    on black, only its white pixels may show, and white has no chroma."""
    from PIL import Image

    rgba = np.zeros((64, 64, 4), np.uint8)
    rgba[..., 0] = 255  # red... but transparent
    yy, xx = np.mgrid[0:64, 0:64]
    opaque = (yy + xx) % 2 == 0  # a checkerboard: every 2x2 chroma block mixes both kinds
    rgba[opaque] = (255, 255, 255, 255)
    Image.fromarray(rgba, "RGBA").save(tmp_path / "checker.png")
    kit.visual(tmp_path / "checker.png", 0, S // 3, scale_x=64 / 180, scale_y=64 / 180)  # drawn 1:1
    y, u, v = _yuv(kit.render().path)
    assert y[60:120, 130:190].mean() > 100  # the white half shows
    assert np.abs(v.astype(int) - 128).max() <= 4 and np.abs(u.astype(int) - 128).max() <= 4
