"""RGBA → yuv420p: chroma is alpha-weighted over each 2x2 block, so blending a layer onto the
canvas gives what blending every pixel at full resolution and then subsampling would give."""
from __future__ import annotations

import numpy as np

from draftrender.render.compose import Canvas, rgba_to_planes
from draftrender.render.text import FontResolver, rasterize_text
from draftrender.timeline.model import TextSpec, TextStyle


def _yuv(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    y = 16 + (0.299 * r + 0.587 * g + 0.114 * b) * 219 / 255
    u = 128 + (-0.168736 * r - 0.331264 * g + 0.5 * b) * 224 / 255
    v = 128 + (0.5 * r - 0.418688 * g - 0.081312 * b) * 224 / 255
    return y, u, v


def _sub(p: np.ndarray) -> np.ndarray:
    h, w = p.shape
    return p.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))


def _reference(rgba: np.ndarray, background: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Blend every pixel in full resolution, then subsample the chroma."""
    a = rgba[..., 3:4].astype(np.float64) / 255
    out = rgba[..., :3] * a + np.array(background, np.float64) * (1 - a)
    y, u, v = _yuv(out)
    return y, _sub(u), _sub(v)


def _draw(rgba: np.ndarray, background: tuple[int, int, int]) -> Canvas:
    h, w = rgba.shape[:2]
    canvas = Canvas(w, h)
    by, bu, bv = (float(c[0, 0]) for c in _yuv(np.array([[background]], np.uint8)))
    canvas.y.fill(int(by + 0.5))
    canvas.u.fill(int(bu + 0.5))
    canvas.v.fill(int(bv + 0.5))
    canvas.draw(rgba_to_planes(rgba), np.array([[1.0, 0, 0], [0, 1.0, 0]]))
    return canvas


def test_transparent_rgb_does_not_tint_the_chroma():
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[..., :3] = (255, 0, 0)  # transparent red
    rgba[::2, ::2] = (255, 255, 255, 255)  # one opaque white pixel per 2x2 block
    planes = rgba_to_planes(rgba)
    assert np.abs(planes.u.astype(int) - 128).max() <= 1 and np.abs(planes.v.astype(int) - 128).max() <= 1
    # a fully transparent block is never seen; fully opaque blocks are a plain mean
    opaque = np.full((2, 2, 4), 255, np.uint8)
    opaque[0, 0, :3] = (0, 0, 255)
    assert rgba_to_planes(opaque).a is None


def test_coloured_text_edges_match_a_full_resolution_blend():
    fonts = FontResolver()
    text = "中文 Ag"
    spec = TextSpec(text, (TextStyle(0, len(text), 12, color=(1.0, 0.9, 0.0), stroke_color=(0.9, 0.0, 0.4),
                                     stroke_width=0.06),))
    rgba = rasterize_text(spec, 320, 180, fonts).rgba
    rgba = rgba[:rgba.shape[0] // 2 * 2, :rgba.shape[1] // 2 * 2]
    background = (20, 60, 200)
    canvas = _draw(rgba, background)
    ry, ru, rv = _reference(rgba, background)
    edge = (rgba[..., 3] > 0) & (rgba[..., 3] < 255)
    assert edge.sum() > 100
    assert np.abs(canvas.y.astype(float) - ry).max() <= 1.5
    assert np.abs(canvas.u.astype(float) - ru).max() <= 1.5
    assert np.abs(canvas.v.astype(float) - rv).max() <= 1.5
