"""Text rasteriser: real pixels of TextSpec → RGBA (em size, colours, wrap, vertical, shadow...)."""
from __future__ import annotations

import os

import numpy as np
import pytest

from support import require

from draftrender.render.text import FontResolver, em_px, layout_text, rasterize_text
from draftrender.render.text.fonts import DEFAULT_PATH
from draftrender.timeline.model import Shadow, TextSpec, TextStyle

W, H = 640, 360
SIZE = 10  # → 40 px per em on a 640-wide canvas
EM = 40.0
RED, BLUE, YELLOW, WHITE, BLACK = (1.0, 0.0, 0.0), (0.0, 0.0, 1.0), (1.0, 1.0, 0.0), (1.0, 1.0, 1.0), (0.0, 0.0, 0.0)


@pytest.fixture(scope="module")
def fonts() -> FontResolver:
    return FontResolver()


def spec(text: str, *styles: TextStyle, **kw) -> TextSpec:
    return TextSpec(text, styles or (TextStyle(0, len(text), SIZE),), **kw)


def style(text: str, **kw) -> TextStyle:
    return TextStyle(0, len(text), kw.pop("size", SIZE), **kw)


def ink(img) -> np.ndarray:
    """Mask of clearly visible pixels."""
    return img.rgba[..., 3] > 128


def extent(mask: np.ndarray, axis: int) -> int:
    """Number of rows (axis=1) or columns (axis=0) holding any pixel of ``mask``."""
    idx = np.flatnonzero(mask.any(axis=axis))
    return 0 if len(idx) == 0 else int(idx[-1] - idx[0] + 1)


def colour_mask(img, rgb, tol=60) -> np.ndarray:
    px = img.rgba[..., :3].astype(int)
    return (np.abs(px - np.array(rgb) * 255).max(axis=2) < tol) & (img.rgba[..., 3] > 200)


def test_em_size_rule(fonts):
    assert em_px(15, 1920) == pytest.approx(180.0)
    assert em_px(10, 1080) == pytest.approx(67.5)
    four = rasterize_text(spec("中文中文"), W, H, fonts)
    eight = rasterize_text(spec("中文中文中文中文"), W, H, fonts)
    # the ink of a line of CJK glyphs is about one em tall
    assert extent(ink(four), 1) == pytest.approx(EM, rel=0.15)
    # each CJK glyph advances one em
    assert extent(ink(eight), 0) - extent(ink(four), 0) == pytest.approx(4 * EM, abs=2)
    assert extent(ink(four), 0) == pytest.approx(4 * EM, rel=0.15)
    assert four.rgba.dtype == np.uint8 and four.rgba.shape[2] == 4


def test_fill_and_stroke_colours(fonts):
    t = "中文字"
    img = rasterize_text(spec(t, style(t, color=RED, stroke_color=BLUE, stroke_width=0.08)), W, H, fonts)
    red, blue = colour_mask(img, RED), colour_mask(img, BLUE)
    assert red.sum() > 200 and blue.sum() > 200
    ry, rx = np.nonzero(red)
    by, bx = np.nonzero(blue)
    # the stroke (0.08 em = 3.2 px) surrounds the fill on every side
    assert bx.min() < rx.min() and bx.max() > rx.max()
    assert by.min() < ry.min() and by.max() > ry.max()
    # no stroke → no blue at all
    plain = rasterize_text(spec(t, style(t, color=RED)), W, H, fonts)
    assert colour_mask(plain, BLUE).sum() == 0


def test_keyword_range_colour_only_in_its_part(fonts):
    t = "中文中文中文中文"
    img = rasterize_text(spec(t, style(t, color=WHITE), TextStyle(4, 6, SIZE, color=YELLOW)), W, H, fonts)
    yellow, white = colour_mask(img, YELLOW), colour_mask(img, WHITE, tol=30)
    yx = np.nonzero(yellow)[1]
    # characters 4 and 5 of 8 one-em glyphs span [centre, centre + 2 em]
    assert len(yx) > 200
    assert yx.min() >= img.anchor_x - 2 and yx.max() <= img.anchor_x + 2 * EM + 2
    wx = np.nonzero(white)[1]
    assert (wx < img.anchor_x - EM).any() and (wx > img.anchor_x + 2 * EM + 2).any()


def test_overlapping_styles_later_wins(fonts):
    t = "中文中文"
    img = rasterize_text(spec(t, style(t, color=WHITE), TextStyle(0, 4, SIZE, color=RED),
                              TextStyle(2, 4, SIZE, color=BLUE)), W, H, fonts)
    rx, bx = np.nonzero(colour_mask(img, RED))[1], np.nonzero(colour_mask(img, BLUE))[1]
    assert len(rx) and len(bx) and rx.max() < bx.min()
    assert colour_mask(img, WHITE, tol=30).sum() == 0


def test_auto_wrap_at_line_max_width(fonts):
    t = "中文字幕" * 8  # 32 em wide on one line; the limit is 0.82 × 640 = 524.8 px (13 em)
    st = style(t, stroke_color=BLACK, stroke_width=0.08)
    one = rasterize_text(spec(t, st, auto_wrap=False), W, H, fonts)
    wrapped = rasterize_text(spec(t, st, auto_wrap=True), W, H, fonts)
    assert extent(ink(one), 0) > 30 * EM
    assert wrapped.rgba.shape[0] > 2.5 * one.rgba.shape[0]  # three lines
    stroke = 0.08 * EM
    rows = wrapped.rgba[..., 3] > 0
    widest = max(extent(rows[y:y + 1], 0) for y in range(rows.shape[0]))
    assert widest <= 0.82 * W + 2 * stroke + 2


def test_latin_wraps_at_spaces(fonts):
    t = "hello world these words must stay whole when they wrap"
    lay = layout_text(spec(t, line_max_width=0.4), W, H, fonts)
    baselines = sorted({run.y for run in lay.runs})
    assert len(baselines) >= 3
    lines = ["".join(r.text for r in lay.runs if r.y == y) for y in baselines]
    assert " ".join(lines).split() == t.split()  # no word cut in two
    assert all(r.width <= 0.4 * W + 1 for r in lay.runs)


def test_explicit_newlines(fonts):
    one = rasterize_text(spec("中文"), W, H, fonts)
    three = rasterize_text(spec("中文\n中文\n中文"), W, H, fonts)
    assert three.rgba.shape[0] > 2.5 * one.rgba.shape[0]
    # line height = font line height (1.45 em for Noto Sans CJK) + line spacing (0.02 em)
    assert three.rgba.shape[0] - one.rgba.shape[0] == pytest.approx(2 * 1.47 * EM, abs=4)


def test_vertical_is_taller_than_wide(fonts):
    img = rasterize_text(spec("中文字幕竖排", vertical=True), W, H, fonts)
    h, w = extent(ink(img), 1), extent(ink(img), 0)
    assert h > 4 * w
    assert h == pytest.approx(6 * EM, rel=0.1)
    # two columns ("\n"): the first one is on the right
    two = rasterize_text(spec("中文字\n幕", TextStyle(0, 3, SIZE, color=RED), TextStyle(3, 5, SIZE, color=BLUE),
                              vertical=True), W, H, fonts)
    assert np.nonzero(colour_mask(two, RED))[1].min() > np.nonzero(colour_mask(two, BLUE))[1].max()


def test_alignment_moves_short_lines(fonts):
    t = "中文中文中文\n中"
    left = rasterize_text(spec(t, alignment=0), W, H, fonts)
    right = rasterize_text(spec(t, alignment=2), W, H, fonts)
    centre = rasterize_text(spec(t, alignment=1), W, H, fonts)

    def last_line_x(img):
        m = ink(img)
        return np.nonzero(m[int(m.shape[0] * 0.6):])[1].mean() / m.shape[1]
    assert last_line_x(left) < 0.2 and last_line_x(right) > 0.8
    assert last_line_x(centre) == pytest.approx(0.5, abs=0.05)
    # the box centre anchor is the same point for all three
    assert left.anchor_x == pytest.approx(right.anchor_x, abs=1)


def test_shadow_lower_right_for_minus_45(fonts):
    t = "中文字"

    def shadow_offset(angle):
        sh = Shadow(BLACK, 1.0, angle, 20.0, 0.0)  # 0.2 em = 8 px
        img = rasterize_text(spec(t, style(t, color=WHITE, shadow=sh)), W, H, fonts)
        white = colour_mask(img, WHITE, tol=30)
        dark = colour_mask(img, BLACK, tol=40)
        assert dark.sum() > 100
        (wy, wx), (dy, dx) = np.nonzero(white), np.nonzero(dark)
        return dx.mean() - wx.mean(), dy.mean() - wy.mean()

    dx, dy = shadow_offset(-45.0)
    assert dx > 2 and dy > 2  # right and down
    dx, dy = shadow_offset(135.0)
    assert dx < -2 and dy < -2  # left and up
    blurred = rasterize_text(spec(t, style(t, shadow=Shadow(BLACK, 1.0, -45.0, 20.0, 0.1))), W, H, fonts)
    alphas = blurred.rgba[..., 3]
    assert ((alphas > 0) & (alphas < 128)).sum() > 500  # soft edges from the blur


def test_bold_is_heavier(fonts):
    t = "中文字幕"
    regular = rasterize_text(spec(t, style(t)), W, H, fonts)
    bold = rasterize_text(spec(t, style(t, bold=True)), W, H, fonts)
    assert bold.rgba[..., 3].astype(int).sum() > 1.15 * regular.rgba[..., 3].astype(int).sum()


def test_italic_leans_right(fonts):
    t = "I"
    upright = rasterize_text(spec(t, style(t)), W, H, fonts)
    italic = rasterize_text(spec(t, style(t, italic=True)), W, H, fonts)
    assert extent(ink(italic), 0) > extent(ink(upright), 0) + 3
    m = ink(italic)
    rows = np.flatnonzero(m.any(axis=1))
    top_x = np.nonzero(m[rows[0]:rows[0] + 3])[1].mean()
    bottom_x = np.nonzero(m[rows[-1] - 2:rows[-1] + 1])[1].mean()
    assert top_x > bottom_x + 3


def test_underline_adds_a_rule(fonts):
    t = "中文"
    plain = rasterize_text(spec(t, style(t)), W, H, fonts)
    under = rasterize_text(spec(t, style(t, underline=True)), W, H, fonts)
    assert under.rgba.shape[0] > plain.rgba.shape[0]
    bottom = ink(under)[-2:]
    assert extent(bottom, 0) > 1.8 * EM  # a continuous line under both glyphs


def test_global_alpha_halves_alpha(fonts):
    t = "中文字"
    full = rasterize_text(spec(t), W, H, fonts)
    half = rasterize_text(spec(t, global_alpha=0.5), W, H, fonts)
    assert full.rgba[..., 3].max() == 255
    assert half.rgba[..., 3].max() == pytest.approx(128, abs=1)
    ratio = half.rgba[..., 3].astype(float).sum() / full.rgba[..., 3].astype(float).sum()
    assert ratio == pytest.approx(0.5, abs=0.02)
    # colours are straight (not premultiplied): still white
    assert colour_mask(half, WHITE, tol=30).sum() == 0  # alpha < 200 everywhere
    assert half.rgba[..., :3][half.rgba[..., 3] > 100].min() > 240


def test_style_alpha_and_size_runs_share_baseline(fonts):
    t = "中中"
    img = rasterize_text(spec(t, TextStyle(0, 1, 20, color=RED), TextStyle(1, 2, 10, color=BLUE)), W, H, fonts)
    red, blue = colour_mask(img, RED), colour_mask(img, BLUE)
    assert extent(red, 1) == pytest.approx(2 * extent(blue, 1), rel=0.1)
    # glyph bottoms sit 0.12 em under the shared baseline: 9.6 px vs 4.8 px, not centred
    assert abs(np.flatnonzero(red.any(axis=1))[-1] - np.flatnonzero(blue.any(axis=1))[-1]) <= 8


def test_letter_spacing_widens(fonts):
    t = "中文中文"
    tight = rasterize_text(spec(t), W, H, fonts)
    loose = rasterize_text(spec(t, letter_spacing=0.25), W, H, fonts)
    assert extent(ink(loose), 0) - extent(ink(tight), 0) == pytest.approx(3 * 0.25 * EM, abs=2)


def test_unknown_font_falls_back_and_is_reported(fonts):
    r = FontResolver()
    t = "中文"
    default = rasterize_text(spec(t), W, H, r)
    other = rasterize_text(spec(t, style(t, font_id="NoSuchFont-XYZ")), W, H, r)
    assert np.array_equal(default.rgba, other.rgba)
    assert r.unresolved == {"NoSuchFont-XYZ"}
    numeric = rasterize_text(spec(t, style(t, font_id="7012345678901234567")), W, H, r)
    assert numeric.rgba.shape == default.rgba.shape
    assert "7012345678901234567" in r.unresolved and "" not in r.unresolved


def test_installed_font_by_family_name(tmp_path):
    src = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    require(os.path.exists(src), "DejaVu Sans not installed (Debian's fonts-dejavu-core)")
    r = FontResolver(extra_dirs=[str(tmp_path)])
    face = r.resolve("DejaVu Sans", False)
    assert face.path.endswith(".ttf") and "dejavu" in face.path.lower()
    bold = r.resolve("dejavu sans", True)
    assert "Bold" in bold.path and not bold.synthetic_bold
    assert r.resolve("Noto Sans CJK SC", False).path == DEFAULT_PATH
    assert not r.unresolved
    img = rasterize_text(spec("Hi", style("Hi", font_id="DejaVu Sans")), W, H, r)
    assert ink(img).sum() > 50


def test_fonts_are_cached(fonts):
    face = fonts.resolve("", False)
    assert fonts.font(face, 40.0) is fonts.font(face, 40.0)
    assert fonts.font(fonts.resolve("", True), 40.0) is not fonts.font(face, 40.0)


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_text_is_a_transparent_2x2(fonts, text):
    img = rasterize_text(TextSpec(text, ()), W, H, fonts)
    assert img.rgba.shape == (2, 2, 4) and not img.rgba.any()


def test_no_styles_and_odd_ranges_do_not_raise(fonts):
    img = rasterize_text(TextSpec("中文abc", ()), W, H, fonts)  # default style, size 15 → 60 px
    assert extent(ink(img), 1) == pytest.approx(60, rel=0.2)
    weird = TextSpec("中文", (TextStyle(-3, 99, SIZE), TextStyle(5, 2, SIZE, color=RED)))
    assert ink(rasterize_text(weird, W, H, fonts)).any()


def test_anchor_is_box_centre(fonts):
    img = rasterize_text(spec("中文中文"), W, H, fonts)
    m = ink(img)
    cols, rows = np.flatnonzero(m.any(axis=0)), np.flatnonzero(m.any(axis=1))
    assert img.anchor_x == pytest.approx((cols[0] + cols[-1]) / 2, abs=3)
    assert img.anchor_y == pytest.approx((rows[0] + rows[-1]) / 2, abs=0.15 * EM)
