"""Where and how a layer is drawn at one instant: keyframes, animations and transitions applied.

Pure functions of (layer, time); the compositor turns a Placement into pixel operations.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..timeline.model import Keyframe, VisualLayer

SLIDE = {"slide_left": (-1, 0), "slide_right": (1, 0), "slide_up": (0, 1), "slide_down": (0, -1)}
TINTS = {"black": (16.0, 128.0, 128.0), "white": (235.0, 128.0, 128.0)}


@dataclass(frozen=True)
class Placement:
    """A layer's state at one instant (JianYing units: half-canvas offsets, y up)."""

    x: float
    y: float
    scale_x: float
    scale_y: float
    rotation: float  # degrees clockwise
    opacity: float
    flip_h: bool = False
    flip_v: bool = False
    tint: tuple[float, float, float, float] | None = None  # (Y, U, V, amount)
    wipe: float | None = None  # fraction of the canvas width revealed from the left
    adjust: tuple[tuple[str, float], ...] = ()

    @property
    def visible(self) -> bool:
        return self.opacity > 1e-4 and abs(self.scale_x) > 1e-6 and abs(self.scale_y) > 1e-6


def interpolate(frames: tuple[Keyframe, ...], offset_us: int, default: float) -> float:
    """Linear interpolation between keyframes, held constant outside them."""
    if not frames:
        return default
    if offset_us <= frames[0].offset_us:
        return frames[0].value
    for a, b in zip(frames, frames[1:]):
        if offset_us <= b.offset_us:
            span = b.offset_us - a.offset_us
            return b.value if span <= 0 else a.value + (b.value - a.value) * (offset_us - a.offset_us) / span
    return frames[-1].value


def _clamp01(v: float) -> float:
    return 0.0 if v < 0 else 1.0 if v > 1 else v


def place(layer: VisualLayer, t_us: int) -> Placement:
    """The layer's Placement at timeline time ``t_us``."""
    tr = layer.transform
    off = t_us - layer.target_start_us
    kf = layer.keyframe_list
    x = interpolate(kf("x"), off, tr.x)
    y = interpolate(kf("y"), off, tr.y)
    sx = interpolate(kf("scale_x"), off, tr.scale_x)
    sy = interpolate(kf("scale_y"), off, tr.scale_y)
    rot = interpolate(kf("rotation"), off, tr.rotation)
    opacity = _clamp01(interpolate(kf("alpha"), off, tr.alpha))
    seg_dur = layer.target_end_us - layer.target_start_us
    zoom = 1.0
    for anim in layer.animations:
        dx, dy, dz, drot, fade = _animation(anim, off, seg_dur)
        x, y, zoom, rot, opacity = x + dx, y + dy, zoom * dz, rot + drot, opacity * fade
    tint = wipe = None
    for win in layer.transitions:
        if not win.start_us <= t_us < win.end_us:
            if win.role == "out" and t_us >= win.end_us or win.role == "in" and t_us < win.start_us:
                opacity = 0.0
            continue
        p = (t_us - win.start_us) / max(1, win.end_us - win.start_us)
        dx, dy, dz, fade, tint_amt, wipe_amt = _transition(win.family, win.role, p)
        x, y, zoom, opacity = x + dx, y + dy, zoom * dz, opacity * fade
        if tint_amt is not None and win.family in TINTS:
            tint = (*TINTS[win.family], tint_amt)
        if wipe_amt is not None:
            wipe = wipe_amt
    adjust = tuple((name, interpolate(kf(name), off, 0.0)) for name in ("brightness", "contrast", "saturation")
                   if kf(name))
    return Placement(x, y, sx * zoom, sy * zoom, rot, _clamp01(opacity), tr.flip_h, tr.flip_v, tint, wipe, adjust)


def _animation(anim, off: int, seg_dur: int) -> tuple[float, float, float, float, float]:
    """(dx, dy, zoom, rotation, opacity) contributed by one animation at segment offset ``off``."""
    if anim.type == "loop":
        if anim.family != "pulse" or off < anim.start_us:
            return 0.0, 0.0, 1.0, 0.0, 1.0
        period = max(anim.duration_us, 100_000)
        phase = ((off - anim.start_us) % period) / period
        return 0.0, 0.0, 1.0 + 0.08 * math.sin(2 * math.pi * phase), 0.0, 1.0
    if anim.duration_us <= 0:
        return 0.0, 0.0, 1.0, 0.0, 1.0
    p = _clamp01((off - anim.start_us) / anim.duration_us)
    q = p if anim.type == "in" else 1.0 - p  # q: 0 = fully "away", 1 = in place
    if anim.type == "out" and off < anim.start_us:
        q = 1.0
    family = anim.family
    if family == "fade":
        return 0.0, 0.0, 1.0, 0.0, q
    if family in SLIDE:
        ux, uy = SLIDE[family]
        away = (1.0 - q) * 0.5 * (-1 if anim.type == "in" else 1)
        return ux * away, uy * away, 1.0, 0.0, q
    if family == "zoom_in":
        return 0.0, 0.0, 0.6 + 0.4 * q if anim.type == "in" else 1.0 + 0.4 * (1 - q), 0.0, q
    if family == "zoom_out":
        return 0.0, 0.0, 1.4 - 0.4 * q if anim.type == "in" else 1.0 - 0.4 * (1 - q), 0.0, q
    if family == "rotate":
        return 0.0, 0.0, 1.0, (1.0 - q) * 180.0, q
    if family == "pulse":
        return 0.0, 0.0, 1.0 + 0.08 * math.sin(math.pi * p), 0.0, 1.0
    return 0.0, 0.0, 1.0, 0.0, 1.0


def _transition(family: str, role: str, p: float):
    """(dx, dy, zoom, opacity, tint, wipe) for a layer inside a transition window at progress p."""
    if family == "dissolve":
        # The incoming clip is drawn over the outgoing one: A·(1−p) + B·p exactly where both cover.
        return 0.0, 0.0, 1.0, (p if role == "in" else 1.0), None, None
    if family in TINTS:
        if role == "out":
            return (0.0, 0.0, 1.0, 1.0 if p < 0.5 else 0.0, min(1.0, 2 * p), None)
        return (0.0, 0.0, 1.0, 1.0 if p >= 0.5 else 0.0, min(1.0, 2 * (1 - p)), None)
    if family in SLIDE:
        ux, uy = SLIDE[family]
        # the outgoing clip leaves in the slide direction, the incoming one follows it in
        k = 2.0 * p if role == "out" else -2.0 * (1 - p)
        return ux * k, uy * k, 1.0, 1.0, None, None
    if family == "wipe":
        return 0.0, 0.0, 1.0, 1.0, None, (p if role == "in" else None)
    if family == "zoom":
        if role == "out":
            return 0.0, 0.0, 1.0 + 0.5 * p, 1.0, None, None
        return 0.0, 0.0, 1.5 - 0.5 * p, p, None, None
    return 0.0, 0.0, 1.0, (p if role == "in" else 1.0), None, None
