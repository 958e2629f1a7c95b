"""TextSpec → RGBA image, once per text segment.

Every run is drawn with PIL into coverage masks grouped by paint (shadow / stroke / fill colour and
alpha); the groups are composited bottom-up (shadows, strokes, fills) by PIL's alpha compositor,
each only over its own bounding box. Shadows are the stroked text drawn at the shadow offset, blurred once per
group. The image is cropped to its visible pixels; the anchor stays the text box centre.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageChops, ImageDraw, features

from ...timeline.model import TextSpec
from .fonts import FontResolver
from .layout import Face, Layout, Run, layout_text

ITALIC_SHEAR = 0.2  # synthetic oblique: x shifts right by 0.2 px per px above the baseline
UNDERLINE_POS_EM = 0.15  # below the baseline
UNDERLINE_THICK_EM = 0.05
CJK_BASELINE_EM = 0.88  # baseline within a vertical character cell (ideographic em box)
_HAS_RAQM = features.check("raqm")


@dataclass(frozen=True)
class TextImage:
    """A rasterised text material and the pixel JianYing places at the clip position."""

    rgba: np.ndarray  # H x W x 4 uint8, straight alpha
    anchor_x: float  # the text box centre, in rgba pixels
    anchor_y: float


def _empty() -> TextImage:
    return TextImage(np.zeros((2, 2, 4), np.uint8), 1.0, 1.0)


def rasterize_text(spec: TextSpec, canvas_width: int, canvas_height: int, fonts: FontResolver) -> TextImage:
    """Render ``spec`` for a ``canvas_width`` x ``canvas_height`` canvas (see the module docstring)."""
    if not spec.text.strip() or spec.global_alpha <= 0:
        return _empty()
    lay = layout_text(spec, canvas_width, canvas_height, fonts)
    if not lay.runs:
        return _empty()
    pad = _padding(lay)
    size = (max(1, int(math.ceil(lay.width + 2 * pad))), max(1, int(math.ceil(lay.height + 2 * pad))))
    groups = _paint_groups(lay, size, pad)
    acc = _composite(groups, size)
    return _to_image(acc, min(1.0, spec.global_alpha), pad + lay.width / 2.0, pad + lay.height / 2.0)


def _stroke_px(face: Face) -> float:
    st = face.style
    return st.stroke_width * face.em if st.stroke_color is not None and st.stroke_width > 0 else 0.0


def _shadow_geometry(face: Face) -> tuple[float, float, float]:
    """(dx, dy, sigma) in pixels, y down; angle is counter-clockwise from +x with y up."""
    sh = face.style.shadow
    dist = sh.distance / 100.0 * face.em
    th = math.radians(sh.angle)
    return dist * math.cos(th), -dist * math.sin(th), max(0.0, sh.diffuse * face.em)


def _padding(lay: Layout) -> float:
    """Room around the text box for overhangs, strokes, oblique shear and shadows."""
    pad = 2.0
    for face in lay.faces:
        p = 0.3 * face.em + _stroke_px(face) + face.bold_px
        if face.style.italic:
            p += ITALIC_SHEAR * (face.ascent + face.descent)
        if face.style.shadow is not None:
            dx, dy, sigma = _shadow_geometry(face)
            p += max(abs(dx), abs(dy)) + 3.0 * sigma
        pad = max(pad, p)
    return float(math.ceil(pad))


class _Group:
    """One paint: a colour, an alpha and the coverage mask of everything painted with it."""

    def __init__(self, size: tuple[int, int], color, alpha: float, sigma: float = 0.0):
        self.mask = Image.new("L", size)
        self.draw = ImageDraw.Draw(self.mask)
        self.color = tuple(int(min(1.0, max(0.0, float(c))) * 255.0 + 0.5) for c in color)
        self.alpha = float(alpha)
        self.sigma = sigma


def _paint_groups(lay: Layout, size: tuple[int, int], pad: float) -> list[_Group]:
    shadows: dict[tuple, _Group] = {}
    strokes: dict[tuple, _Group] = {}
    fills: dict[tuple, _Group] = {}
    for run in lay.runs:
        face = lay.faces[run.style]
        st = face.style
        if st.alpha <= 0 or not run.text.strip():
            continue
        stroke = _stroke_px(face)
        if st.shadow is not None and st.shadow.alpha > 0:
            dx, dy, sigma = _shadow_geometry(face)
            key = (st.shadow.color, st.shadow.alpha * st.alpha, round(sigma, 2))
            g = shadows.get(key) or shadows.setdefault(key, _Group(size, st.shadow.color, key[1], sigma))
            _paint(g, run, face, pad + dx, pad + dy, stroke + face.bold_px)
        if stroke > 0:
            key = (st.stroke_color, st.alpha)
            g = strokes.get(key) or strokes.setdefault(key, _Group(size, st.stroke_color, st.alpha))
            _paint(g, run, face, pad, pad, stroke + face.bold_px)
        key = (st.color, st.alpha)
        g = fills.get(key) or fills.setdefault(key, _Group(size, st.color, st.alpha))
        _paint(g, run, face, pad, pad, face.bold_px)
    return [*shadows.values(), *strokes.values(), *fills.values()]


def _paint(group: _Group, run: Run, face: Face, ox: float, oy: float, stroke: float) -> None:
    """Draw ``run``'s coverage (dilated by ``stroke`` px) into the group, shifted by (ox, oy)."""
    if not face.style.italic:
        _draw_run(group.draw, run, face, ox, oy, stroke)
        return
    # Oblique: draw into a tight patch, shear it about the baseline, merge it back.
    W, H = group.mask.size
    ext = 0.3 * face.em + stroke + 2
    if run.vertical:
        base = oy + run.y + CJK_BASELINE_EM * face.em
        x0, x1 = ox + run.x - face.em / 2 - ext, ox + run.x + face.em / 2 + ext
        y0, y1 = oy + run.y - ext, oy + run.y + face.em + ext
    else:
        base = oy + run.y
        x0, x1 = ox + run.x - ext, ox + run.x + run.width + ext
        y0, y1 = base - face.ascent - ext, base + face.descent + ext
    shift = ITALIC_SHEAR * (y1 - y0)
    l, t = max(0, int(x0 - shift)), max(0, int(y0))
    r, b = min(W, int(math.ceil(x1 + shift))), min(H, int(math.ceil(y1)))
    if r <= l or b <= t:
        return
    patch = Image.new("L", (r - l, b - t))
    _draw_run(ImageDraw.Draw(patch), run, face, ox - l, oy - t, stroke)
    bl = base - t
    # Image.transform maps output → input: x_in = x_out + shear * (y_out − baseline)
    sheared = patch.transform(patch.size, Image.Transform.AFFINE,
                              (1.0, ITALIC_SHEAR, -ITALIC_SHEAR * bl, 0.0, 1.0, 0.0),
                              resample=Image.Resampling.BILINEAR)
    region = group.mask.crop((l, t, r, b))
    group.mask.paste(ImageChops.lighter(region, sheared), (l, t))


def _draw_run(draw: ImageDraw.ImageDraw, run: Run, face: Face, ox: float, oy: float, stroke: float) -> None:
    font = face.font
    if run.vertical:
        x, y = ox + run.x, oy + run.y
        if _HAS_RAQM:  # vertical forms of CJK punctuation, glyphs centred in the em cell
            draw.text((x, y), run.text, font=font, fill=255, anchor="mt", direction="ttb",
                      features=["vert"], stroke_width=stroke)
        else:
            draw.text((x, y + CJK_BASELINE_EM * face.em), run.text, font=font, fill=255, anchor="ms",
                      stroke_width=stroke)
        if face.style.underline:  # a rule to the right of the column
            ux = x + 0.55 * face.em
            draw.rectangle((ux - stroke, y - stroke, ux + UNDERLINE_THICK_EM * face.em + stroke,
                            y + face.em + stroke), fill=255)
        return
    x, base = ox + run.x, oy + run.y
    if run.offsets is None:
        draw.text((x, base), run.text, font=font, fill=255, anchor="ls", stroke_width=stroke)
    else:
        for ch, off in zip(run.text, run.offsets):
            if ch != " ":
                draw.text((x + off, base), ch, font=font, fill=255, anchor="ls", stroke_width=stroke)
    if face.style.underline:
        uy = base + UNDERLINE_POS_EM * face.em
        draw.rectangle((x - stroke, uy - stroke, x + run.width + stroke,
                        uy + UNDERLINE_THICK_EM * face.em + stroke), fill=255)


def _composite(groups: list[_Group], size: tuple[int, int]) -> Image.Image:
    """Straight-alpha "over" of the groups in order (PIL's C compositor, each over its bbox)."""
    acc = Image.new("RGBA", size)
    W, H = size
    for g in groups:
        bbox = g.mask.getbbox()
        if bbox is None:
            continue
        if g.sigma > 0.3:
            grow = int(math.ceil(3.0 * g.sigma))  # the blur's reach
            bbox = (max(0, bbox[0] - grow), max(0, bbox[1] - grow), min(W, bbox[2] + grow), min(H, bbox[3] + grow))
            mask = Image.fromarray(_blur(np.asarray(g.mask.crop(bbox)), g.sigma))
        else:
            mask = g.mask.crop(bbox)
        alpha = min(1.0, g.alpha)
        if alpha < 1.0:
            mask = mask.point([int(v * alpha + 0.5) for v in range(256)])
        layer = Image.new("RGBA", mask.size, g.color + (0,))
        layer.putalpha(mask)
        acc.alpha_composite(layer, dest=bbox[:2])
    return acc


def _blur(mask: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur; wide blurs run on a downscaled copy (same look, a fraction of the cost)."""
    if sigma <= 10.0:
        return cv2.GaussianBlur(mask, (0, 0), sigma)
    h, w = mask.shape
    f = sigma / 5.0
    small = cv2.resize(mask, (max(1, int(math.ceil(w / f))), max(1, int(math.ceil(h / f)))),
                       interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), 5.0)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _to_image(acc: Image.Image, global_alpha: float, anchor_x: float, anchor_y: float) -> TextImage:
    """Apply the global alpha and crop to the visible pixels (the anchor moves with the crop)."""
    rgba = np.asarray(acc)
    a = rgba[..., 3]
    if global_alpha < 1.0:
        a = cv2.LUT(a, np.array([int(v * global_alpha + 0.5) for v in range(256)], np.uint8))
    rows, cols = np.flatnonzero(a.any(axis=1)), np.flatnonzero(a.any(axis=0))
    if len(rows) == 0:
        return _empty()
    t, b, l, r = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    out = rgba[t:b, l:r].copy()
    out[..., 3] = a[t:b, l:r]
    return TextImage(out, float(anchor_x - l), float(anchor_y - t))
