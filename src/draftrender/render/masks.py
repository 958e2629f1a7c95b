"""Mask shapes as alpha planes in the material's own pixel space (built once per segment)."""
from __future__ import annotations

import math

import cv2
import numpy as np

from ..timeline.model import Mask

SUPERSAMPLE = 4  # anti-aliased edges: draw at 4x, then area-downscale


def _heart(cx: float, cy: float, w: float, h: float, n: int = 120) -> np.ndarray:
    t = np.linspace(0, 2 * math.pi, n)
    x = 16 * np.sin(t) ** 3
    y = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
    x = x / 32.0 * w + cx
    y = (y + 2.5) / 30.0 * h + cy
    return np.stack([x, y], axis=1)


def _star(cx: float, cy: float, w: float, h: float) -> np.ndarray:
    pts = []
    for i in range(10):
        r = 0.5 if i % 2 == 0 else 0.5 * 0.382
        ang = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + r * w * math.cos(ang), cy + r * h * math.sin(ang)))
    return np.array(pts)


def mask_plane(mask: Mask, width: int, height: int) -> np.ndarray:
    """uint8 (height, width) alpha: 255 where the material stays visible."""
    s = SUPERSAMPLE if width * height <= 2_000_000 else 1
    W, H = width * s, height * s
    cx = W / 2 + mask.center_x * W / 2
    cy = H / 2 - mask.center_y * H / 2  # JianYing's mask centre offset has y up
    mw, mh = max(1.0, mask.width * W), max(1.0, mask.height * H)
    plane = np.zeros((H, W), np.uint8)
    rot = mask.rotation
    if mask.shape in ("line", "mirror"):
        # line: keep the side below the line through the centre; mirror: a band of height mh
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
        th = math.radians(rot)
        d = -(xx - cx) * math.sin(th) + (yy - cy) * math.cos(th)  # distance along the line's normal
        keep = d >= 0 if mask.shape == "line" else np.abs(d) <= mh / 2
        plane[keep] = 255
    elif mask.shape == "circle":
        cv2.ellipse(plane, (int(cx), int(cy)), (int(mw / 2), int(mh / 2)), rot, 0, 360, 255, -1, cv2.LINE_AA)
    elif mask.shape == "rectangle":
        _rounded_rect(plane, cx, cy, mw, mh, rot, mask.round_corner)
    else:
        poly = _heart(0, 0, mw, mh) if mask.shape == "heart" else _star(0, 0, mw, mh)
        th = math.radians(rot)
        r = np.array([[math.cos(th), -math.sin(th)], [math.sin(th), math.cos(th)]])
        poly = poly @ r.T + [cx, cy]
        cv2.fillPoly(plane, [np.round(poly).astype(np.int32)], 255, cv2.LINE_AA)
    if s > 1:
        plane = cv2.resize(plane, (width, height), interpolation=cv2.INTER_AREA)
    if mask.feather > 0:
        sigma = max(0.5, mask.feather * min(mask.width * width, mask.height * height) * 0.25)
        plane = cv2.GaussianBlur(plane, (0, 0), sigma)
    if mask.invert:
        plane = 255 - plane
    return plane


def _rounded_rect(plane: np.ndarray, cx: float, cy: float, w: float, h: float, rot: float, corner: float) -> None:
    small = np.zeros((int(h) + 2, int(w) + 2), np.uint8)
    r = int(max(0.0, min(1.0, corner)) * min(w, h) / 2)
    x0, y0, x1, y1 = 1, 1, int(w), int(h)
    cv2.rectangle(small, (x0 + r, y0), (x1 - r, y1), 255, -1)
    cv2.rectangle(small, (x0, y0 + r), (x1, y1 - r), 255, -1)
    if r > 0:
        for ccx, ccy in ((x0 + r, y0 + r), (x1 - r, y0 + r), (x0 + r, y1 - r), (x1 - r, y1 - r)):
            cv2.circle(small, (ccx, ccy), r, 255, -1, cv2.LINE_AA)
    th = math.radians(rot)
    c, s = math.cos(th), math.sin(th)
    hw, hh = small.shape[1] / 2, small.shape[0] / 2
    m = np.array([[c, -s, cx - (c * hw - s * hh)], [s, c, cy - (s * hw + c * hh)]], np.float64)
    warped = cv2.warpAffine(small, m, (plane.shape[1], plane.shape[0]), flags=cv2.INTER_LINEAR)
    np.maximum(plane, warped, out=plane)
