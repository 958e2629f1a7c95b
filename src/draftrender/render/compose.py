"""Compositing in the encoder's pixel format (yuv420p planes): the canvas and layer blits.

Frames stay YUV end to end: decoded video planes are warped straight onto the canvas, and
RGBA stills/text are converted to YUV+alpha once per segment. Only the region a layer covers
is touched (performance.md: full-frame RGB round trips cost ~17 s per minute of 1080p).
Colour matrix: BT.601 limited range, which the encoder tags on the output.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import av
import cv2
import numpy as np

BLACK = (16, 128, 128)


@dataclass
class Planes:
    """A yuv420p image (even size) with an optional full-resolution alpha plane."""

    y: np.ndarray
    u: np.ndarray
    v: np.ndarray
    a: np.ndarray | None = None

    @property
    def width(self) -> int:
        return self.y.shape[1]

    @property
    def height(self) -> int:
        return self.y.shape[0]


def rgba_to_planes(rgba: np.ndarray) -> Planes:
    """RGBA (straight alpha) → Planes, padding to even size with transparent pixels."""
    h, w = rgba.shape[:2]
    if h % 2 or w % 2:
        rgba = np.pad(rgba, ((0, h % 2), (0, w % 2), (0, 0)))
    rgb = rgba[..., :3].astype(np.float32)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    y = 16.0 + (0.299 * r + 0.587 * g + 0.114 * b) * (219.0 / 255.0)
    u = 128.0 + (-0.168736 * r - 0.331264 * g + 0.5 * b) * (224.0 / 255.0)
    v = 128.0 + (0.5 * r - 0.418688 * g - 0.081312 * b) * (224.0 / 255.0)
    hh, ww = y.shape[0] // 2, y.shape[1] // 2
    alpha = rgba[..., 3].copy() if rgba.shape[2] == 4 else None
    if alpha is not None and alpha.min() == 255:
        alpha = None
    if alpha is None:
        u = u.reshape(hh, 2, ww, 2).mean(axis=(1, 3))
        v = v.reshape(hh, 2, ww, 2).mean(axis=(1, 3))
    else:
        u, v = _weighted_chroma(u, v, alpha, hh, ww)
    to8 = lambda p: np.clip(p + 0.5, 0, 255).astype(np.uint8)  # noqa: E731
    return Planes(to8(y), to8(u), to8(v), alpha)


def _weighted_chroma(u: np.ndarray, v: np.ndarray, alpha: np.ndarray, hh: int, ww: int):
    """2x2 chroma averaged by alpha: transparent pixels' RGB (often garbage) adds no colour.

    Blending the result by the block's mean alpha gives exactly the mean of per-pixel blends
    (Σa·u / 4), so half-transparent edges keep their own colour, never a fringe. A fully
    transparent block keeps the plain mean (it is never seen).
    """
    a = alpha.astype(np.float32).reshape(hh, 2, ww, 2)
    wsum = a.sum(axis=(1, 3))
    safe = np.where(wsum > 0, wsum, 1.0)
    out = []
    for p in (u, v):
        blocks = p.reshape(hh, 2, ww, 2)
        weighted = (blocks * a).sum(axis=(1, 3)) / safe
        out.append(np.where(wsum > 0, weighted, blocks.mean(axis=(1, 3))))
    return out


def plane_view(plane) -> np.ndarray | None:
    """A frame plane as a (height, width) uint8 view of its own buffer (no copy; None if unusual)."""
    if plane.line_size < plane.width:
        return None
    flat = np.frombuffer(plane, np.uint8)  # keeps the plane, hence its frame, alive
    if flat.size < plane.line_size * plane.height:
        return None
    return flat[:plane.line_size * plane.height].reshape(plane.height, plane.line_size)[:, :plane.width]


def frame_to_planes(frame: av.VideoFrame) -> Planes:
    """A decoded frame as yuv420p planes: views of the frame's buffers (swscale only for other formats)."""
    if frame.format.name != "yuv420p" or frame.width % 2 or frame.height % 2:
        frame = frame.reformat(width=frame.width + frame.width % 2, height=frame.height + frame.height % 2,
                               format="yuv420p")
    views = [plane_view(p) for p in frame.planes[:3]]
    if any(v is None for v in views):
        h, w = frame.height, frame.width
        flat, q = frame.to_ndarray().reshape(-1), (h // 2) * (w // 2)
        views = [flat[:w * h].reshape(h, w), flat[w * h:w * h + q].reshape(h // 2, w // 2),
                 flat[w * h + q:w * h + 2 * q].reshape(h // 2, w // 2)]
    return Planes(*views)


def adjust_planes(src: Planes, adjust: tuple[tuple[str, float], ...]) -> Planes:
    """Brightness/contrast/saturation (−1..1, 0 = unchanged) applied to a layer's planes."""
    y = src.y.astype(np.float32)
    u = src.u.astype(np.float32)
    v = src.v.astype(np.float32)
    for name, amount in adjust:
        if name == "brightness":
            y += amount * 80.0
        elif name == "contrast":
            y = (y - 126.0) * (1.0 + amount) + 126.0
        elif name == "saturation":
            u = (u - 128.0) * (1.0 + amount) + 128.0
            v = (v - 128.0) * (1.0 + amount) + 128.0
    c = lambda p: np.clip(p, 0, 255).astype(np.uint8)  # noqa: E731
    return Planes(c(y), c(u), c(v), src.a)


class Canvas:
    """The output frame being composed: I420 planes, drawn region by region.

    Standalone, the planes live in one contiguous buffer (``to_frame`` copies it out). In the
    render loop ``new_frame`` binds them to a fresh ``av.VideoFrame`` instead: layers are drawn
    straight into the frame the encoder receives, and the background is only filled when no
    layer covers the whole canvas opaquely.
    """

    def __init__(self, width: int, height: int) -> None:
        if width % 2 or height % 2:
            raise ValueError("canvas size must be even")
        self.width, self.height = width, height
        self.buf = np.empty((height * 3 // 2, width), np.uint8)
        self.frame: av.VideoFrame | None = None
        self._bind_buffer()
        self.clear()

    def _bind_buffer(self) -> None:
        h, w = self.height, self.width
        flat, q = self.buf.reshape(-1), (h // 2) * (w // 2)  # planes packed flat, as PyAV reads them
        self.y = self.buf[:h]
        self.u = flat[w * h:w * h + q].reshape(h // 2, w // 2)
        self.v = flat[w * h + q:].reshape(h // 2, w // 2)
        self.frame = None
        self._blank = True

    def clear(self) -> None:
        self.y.fill(BLACK[0])
        self.u.fill(BLACK[1])
        self.v.fill(BLACK[2])
        self._blank = False

    def new_frame(self) -> None:
        """Start the next output frame in a fresh ``av.VideoFrame`` (its background filled lazily)."""
        frame = av.VideoFrame(self.width, self.height, "yuv420p")
        views = [plane_view(p) for p in frame.planes[:3]]
        if any(v is None for v in views):  # unusual plane layout: compose in the buffer instead
            self._bind_buffer()
            self.clear()
            return
        self.frame = frame
        self.y, self.u, self.v = views
        self._blank = True

    def settle(self) -> None:
        """Fill the background if nothing has been drawn yet (before reading the planes)."""
        if self._blank:
            self.clear()

    def to_frame(self) -> av.VideoFrame:
        """The composed frame: the bound frame itself (no copy) or a copy of the buffer."""
        self.settle()
        if self.frame is not None:
            frame = self.frame  # handed over as it is; the canvas is the (blank) buffer until new_frame
            self._bind_buffer()
            return frame
        return av.VideoFrame.from_ndarray(self.buf, format="yuv420p")

    def draw(self, src: Planes, m: np.ndarray, opacity: float = 1.0, *, mask: np.ndarray | None = None,
             tint: tuple[float, float, float, float] | None = None, wipe: float | None = None,
             cache: dict | None = None) -> None:
        """Blend ``src`` through the 2x3 affine ``m`` (source px → canvas px) at ``opacity``.

        ``mask`` (source resolution, uint8) multiplies the source alpha; ``tint`` = (Y, U, V,
        amount) pulls the layer towards a colour; ``wipe`` keeps only the left fraction of the canvas.
        ``cache``: a dict owned by one layer whose ``src`` does not change between frames (a still,
        a text): the placed planes and the blend weights are reused while the placement is the same.
        """
        if (cache is None and mask is None and tint is None and src.a is None and opacity >= 0.999
                and self._resize_into(src, m, wipe)):
            return
        placed = None
        key = (m.tobytes(), wipe)
        if cache is not None and cache.get("src") is src and cache.get("mask") is mask and cache.get("key") == key:
            placed = cache["placed"]
        else:
            placed = self._place(src, m, mask, wipe)
            if cache is not None:
                cache.clear()
                cache.update(src=src, mask=mask, key=key, placed=placed)
        if placed is None:
            return
        (x0, y0, x1, y1), ys, us, vs, cover = placed
        if x1 - x0 < 2 or y1 - y0 < 2:
            return
        if cover is not None and cache is not None:
            if "uniform" not in cache:  # one alpha everywhere (a still with global transparency)
                lo, hi = cv2.minMaxLoc(cover)[:2]
                cache["uniform"] = lo / 255.0 if lo == hi else None
            if cache["uniform"] is not None:
                cover, opacity = None, opacity * cache["uniform"]
        if tint is not None:
            ty, tu, tv, k = tint
            ys = cv2.addWeighted(ys, 1 - k, ys, 0, ty * k)
            us = cv2.addWeighted(us, 1 - k, us, 0, tu * k)
            vs = cv2.addWeighted(vs, 1 - k, vs, 0, tv * k)
        opaque = cover is None and opacity >= 0.999
        if self._blank:
            if not (opaque and (x0, y0, x1, y1) == (0, 0, self.width, self.height)):
                self.clear()  # the background shows somewhere: fill it first
            self._blank = False
        dy = self.y[y0:y1, x0:x1]
        du = self.u[y0 // 2:y1 // 2, x0 // 2:x1 // 2]
        dv = self.v[y0 // 2:y1 // 2, x0 // 2:x1 // 2]
        if opaque:
            dy[...], du[...], dv[...] = ys, us, vs
            return
        if cover is None:  # uniform opacity: one weighted sum per plane
            for d, p in ((dy, ys), (du, us), (dv, vs)):
                cv2.addWeighted(p, opacity, d, 1.0 - opacity, 0.0, dst=d)
            return
        weights = cache.get("weights") if cache is not None else None
        if weights is None or weights[0] != opacity:
            weights = (opacity, *_weights(cover, opacity, (du.shape[1], du.shape[0])))
            if cache is not None:
                cache["weights"] = weights
        _, a_full, ia_full, a_half, ia_half = weights
        dy[...] = cv2.blendLinear(ys, dy, a_full, ia_full)
        du[...] = cv2.blendLinear(us, du, a_half, ia_half)
        dv[...] = cv2.blendLinear(vs, dv, a_half, ia_half)

    def _place(self, src: Planes, m: np.ndarray, mask: np.ndarray | None, wipe: float | None):
        """(roi, y, u, v, coverage) of ``src`` placed by ``m``; None when nothing is on the canvas."""
        alpha = src.a
        if mask is not None:
            alpha = mask if alpha is None else cv2.multiply(alpha, mask, scale=1 / 255.0)
        placed = self._resize_place(src, alpha, m, wipe)
        if placed is None:
            roi = self._roi(src, m, wipe)
            if roi is None:
                return None
            identity = (np.allclose(m, [[1, 0, roi[0]], [0, 1, roi[1]]]) and src.width >= roi[2] - roi[0]
                        and src.height >= roi[3] - roi[1])
            placed = (roi, *self._warp(src, alpha, m, roi, identity))
        return placed

    def _resize_into(self, src: Planes, m: np.ndarray, wipe: float | None) -> bool:
        """An opaque, axis-aligned layer wholly inside the canvas: resized straight into the
        canvas planes (no intermediate copy). False when the general path is needed."""
        if wipe is not None or abs(m[0, 1]) > 1e-9 or abs(m[1, 0]) > 1e-9 or m[0, 0] <= 0 or m[1, 1] <= 0:
            return False
        even = lambda v: int(round(v / 2.0)) * 2  # noqa: E731
        x0, y0 = even(m[0, 2]), even(m[1, 2])
        x1, y1 = even(m[0, 2] + m[0, 0] * src.width), even(m[1, 2] + m[1, 1] * src.height)
        if x0 < 0 or y0 < 0 or x1 > self.width or y1 > self.height or x1 - x0 < 2 or y1 - y0 < 2:
            return False
        if self._blank:
            if (x0, y0, x1, y1) != (0, 0, self.width, self.height):
                self.clear()
            self._blank = False
        for plane, dst in ((src.y, self.y[y0:y1, x0:x1]), (src.u, self.u[y0 // 2:y1 // 2, x0 // 2:x1 // 2]),
                           (src.v, self.v[y0 // 2:y1 // 2, x0 // 2:x1 // 2])):
            if plane.shape == dst.shape:
                dst[...] = plane
                continue
            interp = cv2.INTER_AREA if dst.shape[1] < plane.shape[1] else cv2.INTER_LINEAR
            out = cv2.resize(plane, (dst.shape[1], dst.shape[0]), dst=dst, interpolation=interp)
            if out is not dst:  # OpenCV wrote elsewhere (unusual strides): copy it in
                dst[...] = out
        return True

    def _resize_place(self, src: Planes, alpha, m: np.ndarray, wipe: float | None):
        """Axis-aligned placements: one cv2.resize per plane (6x faster than warpAffine).

        The target rectangle is snapped to even pixels (chroma alignment): at most a one-pixel
        shift, invisible at video sizes. Returns None when the general warp is needed.
        """
        if abs(m[0, 1]) > 1e-9 or abs(m[1, 0]) > 1e-9 or m[0, 0] <= 0 or m[1, 1] <= 0:
            return None
        even = lambda v: int(round(v / 2.0)) * 2  # noqa: E731
        left, top = even(m[0, 2]), even(m[1, 2])
        right, bottom = even(m[0, 2] + m[0, 0] * src.width), even(m[1, 2] + m[1, 1] * src.height)
        rw, rh = right - left, bottom - top
        if rw < 2 or rh < 2 or rw * rh > 4 * self.width * self.height:
            return None
        x0, y0 = max(0, left), max(0, top)
        x1, y1 = min(self.width, right), min(self.height, bottom)
        if wipe is not None:
            x1 = min(x1, int(round(self.width * wipe / 2.0)) * 2)
        if x1 - x0 < 2 or y1 - y0 < 2:
            return (0, 0, 0, 0), None, None, None, None
        sx, sy = x0 - left, y0 - top
        w, h = x1 - x0, y1 - y0

        def fit(plane, size, sub):
            if plane.shape[1] == size[0] and plane.shape[0] == size[1]:
                out = plane
            else:
                out = cv2.resize(plane, size, interpolation=cv2.INTER_AREA if size[0] < plane.shape[1]
                                 else cv2.INTER_LINEAR)
            return out[sub[1]:sub[1] + sub[3], sub[0]:sub[0] + sub[2]]

        ys = fit(src.y, (rw, rh), (sx, sy, w, h))
        us = fit(src.u, (rw // 2, rh // 2), (sx // 2, sy // 2, w // 2, h // 2))
        vs = fit(src.v, (rw // 2, rh // 2), (sx // 2, sy // 2, w // 2, h // 2))
        cover = None if alpha is None else fit(alpha, (rw, rh), (sx, sy, w, h))
        return (x0, y0, x1, y1), ys, us, vs, cover

    def _roi(self, src: Planes, m: np.ndarray, wipe: float | None):
        corners = np.array([[0, 0, 1], [src.width, 0, 1], [0, src.height, 1], [src.width, src.height, 1]], np.float64)
        pts = corners @ m.T
        x0 = max(0, math.floor(pts[:, 0].min()))
        y0 = max(0, math.floor(pts[:, 1].min()))
        x1 = min(self.width, math.ceil(pts[:, 0].max()))
        y1 = min(self.height, math.ceil(pts[:, 1].max()))
        if wipe is not None:
            x1 = min(x1, int(round(self.width * wipe)))
        x0, y0 = x0 - x0 % 2, y0 - y0 % 2
        x1, y1 = min(self.width, x1 + x1 % 2), min(self.height, y1 + y1 % 2)
        if x1 - x0 < 2 or y1 - y0 < 2:
            return None
        return x0, y0, x1, y1

    @staticmethod
    def _warp(src: Planes, alpha, m: np.ndarray, roi, identity: bool):
        x0, y0, x1, y1 = roi
        w, h = x1 - x0, y1 - y0
        if identity:
            cover = None if alpha is None else alpha[:h, :w]
            return src.y[:h, :w], src.u[:h // 2, :w // 2], src.v[:h // 2, :w // 2], cover
        mr = m.copy()
        mr[0, 2] -= x0
        mr[1, 2] -= y0
        mc = mr.copy()
        mc[:, 2] /= 2.0
        flags = cv2.INTER_LINEAR
        ys = cv2.warpAffine(src.y, mr, (w, h), flags=flags, borderMode=cv2.BORDER_REPLICATE)
        us = cv2.warpAffine(src.u, mc, (w // 2, h // 2), flags=flags, borderMode=cv2.BORDER_REPLICATE)
        vs = cv2.warpAffine(src.v, mc, (w // 2, h // 2), flags=flags, borderMode=cv2.BORDER_REPLICATE)
        if alpha is None and _encloses(m, src, roi):
            return ys, us, vs, None
        base = alpha if alpha is not None else np.full(src.y.shape, 255, np.uint8)
        cover = cv2.warpAffine(base, mr, (w, h), flags=flags, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        if alpha is None and cover.min() == 255:
            cover = None
        return ys, us, vs, cover


def _encloses(m: np.ndarray, src: Planes, roi) -> bool:
    """True if an axis-aligned placement covers the whole ROI (no coverage mask needed)."""
    if abs(m[0, 1]) > 1e-9 or abs(m[1, 0]) > 1e-9 or m[0, 0] <= 0 or m[1, 1] <= 0:
        return False
    x0, y0, x1, y1 = roi
    left, top = m[0, 2], m[1, 2]
    right, bottom = left + m[0, 0] * src.width, top + m[1, 1] * src.height
    eps = 1e-6
    return left <= x0 + eps and top <= y0 + eps and right >= x1 - eps and bottom >= y1 - eps


def _weights(cover: np.ndarray, opacity: float, half: tuple[int, int]):
    """Blend weights: coverage × opacity at full and chroma resolution, and their complements."""
    a_full = cover.astype(np.float32)
    a_full *= opacity / 255.0
    a_half = cv2.resize(a_full, half, interpolation=cv2.INTER_AREA)
    return a_full, 1.0 - a_full, a_half, 1.0 - a_half


def placement_matrix(src_w: int, src_h: int, disp_w: float, disp_h: float, cx: float, cy: float,
                     rotation_deg: float, flip_h: bool = False, flip_v: bool = False,
                     anchor: tuple[float, float] | None = None) -> np.ndarray:
    """2x3 affine: source pixels → canvas pixels (scale to disp size, rotate clockwise, centre at cx, cy)."""
    kx = disp_w / src_w * (-1 if flip_h else 1)
    ky = disp_h / src_h * (-1 if flip_v else 1)
    ax, ay = anchor if anchor is not None else (src_w / 2.0, src_h / 2.0)
    th = math.radians(rotation_deg)
    c, s = math.cos(th), math.sin(th)
    a = np.array([[c * kx, -s * ky], [s * kx, c * ky]], np.float64)
    t = np.array([cx, cy]) - a @ np.array([ax, ay])
    return np.hstack([a, t[:, None]])
