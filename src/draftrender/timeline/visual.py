"""Lowering of a visual segment's parts: clip, crop, keyframes, animations, masks."""
from __future__ import annotations

from .families import animation_family
from .model import Animation, Crop, Keyframe, Mask, Transform, Warning_

KEYFRAME_PROPS = {
    "KFTypePositionX": ("x",),
    "KFTypePositionY": ("y",),
    "KFTypeScaleX": ("scale_x",),
    "KFTypeScaleY": ("scale_y",),
    "UNIFORM_SCALE": ("scale_x", "scale_y"),
    "KFTypeRotation": ("rotation",),
    "KFTypeAlpha": ("alpha",),
    "KFTypeVolume": ("volume",),
    "KFTypeSaturation": ("saturation",),
    "KFTypeContrast": ("contrast",),
    "KFTypeBrightness": ("brightness",),
}
MASK_SHAPES = {"line": "line", "mirror": "mirror", "circle": "circle", "rectangle": "rectangle",
               "线性": "line", "镜面": "mirror", "圆形": "circle", "矩形": "rectangle",
               "爱心": "heart", "星形": "star"}


def transform(seg: dict) -> Transform:
    """The segment's clip as a Transform (defaults for missing parts)."""
    clip = seg.get("clip") or {}
    scale = clip.get("scale") or {}
    pos = clip.get("transform") or {}
    flip = clip.get("flip") or {}
    return Transform(
        x=float(pos.get("x", 0.0) or 0.0), y=float(pos.get("y", 0.0) or 0.0),
        scale_x=float(scale.get("x", 1.0) if scale.get("x") is not None else 1.0),
        scale_y=float(scale.get("y", 1.0) if scale.get("y") is not None else 1.0),
        rotation=float(clip.get("rotation", 0.0) or 0.0),
        alpha=float(clip.get("alpha", 1.0) if clip.get("alpha") is not None else 1.0),
        flip_h=bool(flip.get("horizontal")), flip_v=bool(flip.get("vertical")),
    )


def crop(material: dict) -> Crop:
    """Axis-aligned crop box from the material's crop quad."""
    c = material.get("crop") or {}
    try:
        xs = [float(c[k]) for k in ("upper_left_x", "upper_right_x", "lower_left_x", "lower_right_x")]
        ys = [float(c[k]) for k in ("upper_left_y", "upper_right_y", "lower_left_y", "lower_right_y")]
    except (KeyError, TypeError, ValueError):
        return Crop()
    left, right = max(0.0, min(xs)), min(1.0, max(xs))
    top, bottom = max(0.0, min(ys)), min(1.0, max(ys))
    if right - left <= 0.001 or bottom - top <= 0.001:
        return Crop()
    return Crop(left, top, right, bottom)


def keyframes(seg: dict, duration_us: int, warnings: list[Warning_]) -> tuple[tuple[str, tuple[Keyframe, ...]], ...]:
    """``common_keyframes`` → (property, keyframes sorted by offset) pairs (linear interpolation)."""
    uniform = bool((seg.get("uniform_scale") or {}).get("on", True))
    out: dict[str, list[Keyframe]] = {}
    for entry in seg.get("common_keyframes") or []:
        ptype = entry.get("property_type", "")
        props = KEYFRAME_PROPS.get(ptype)
        if props is None:
            warnings.append(Warning_("keyframe", ptype, seg["id"], "unsupported keyframe property ignored"))
            continue
        if ptype == "KFTypeScaleX" and uniform:
            props = ("scale_x", "scale_y")
        for kf in entry.get("keyframe_list") or []:
            values = kf.get("values") or []
            if not values:
                continue
            if kf.get("curveType", "Line") not in ("Line", "", None):
                warnings.append(Warning_("keyframe", ptype, seg["id"], "curved easing drawn as linear"))
            offset = max(0, min(int(kf.get("time_offset", 0)), duration_us))
            for prop in props:
                out.setdefault(prop, []).append(Keyframe(offset, float(values[0])))
    return tuple((p, tuple(sorted(v, key=lambda k: k.offset_us))) for p, v in sorted(out.items()))


def animations(container: dict | None, seg_id: str, seg_dur: int, warnings: list[Warning_]) -> tuple[Animation, ...]:
    """A ``material_animations`` container → Animations, each lowered to a family."""
    if not container:
        return ()
    out = []
    for a in container.get("animations") or []:
        anim_type = {"group": "loop"}.get(a.get("type", ""), a.get("type", ""))
        name = str(a.get("name", ""))
        if anim_type not in ("in", "out", "loop"):
            warnings.append(Warning_("animation", name, seg_id, f"unknown animation type {anim_type!r}; not drawn"))
            continue
        family, exact = animation_family(name, anim_type)
        if not exact:
            what = "not drawn" if family == "none" else f"approximated as {family}"
            warnings.append(Warning_("animation", name, seg_id, what))
        start = max(0, int(a.get("start", 0) or 0))
        dur = max(0, int(a.get("duration", 0) or 0))
        if anim_type == "loop" and dur <= 0:
            dur = seg_dur
        out.append(Animation(anim_type, name, family, start, min(dur, seg_dur) if anim_type != "loop" else dur))
    return tuple(out)


def mask(material: dict | None, seg_id: str, warnings: list[Warning_]) -> Mask | None:
    """A ``materials.masks`` entry → Mask (unknown shapes: skipped with a warning)."""
    if not material:
        return None
    name = str(material.get("name", ""))
    shape = MASK_SHAPES.get(name) or MASK_SHAPES.get(str(material.get("resource_type", "")))
    if shape is None:
        warnings.append(Warning_("mask", name or "?", seg_id, "unknown mask shape not applied"))
        return None
    cfg = material.get("config") or {}
    f = lambda k, d: float(cfg.get(k, d) if cfg.get(k) is not None else d)  # noqa: E731
    return Mask(shape, f("centerX", 0.0), f("centerY", 0.0), f("width", 1.0), f("height", 1.0),
                f("rotation", 0.0), f("feather", 0.0), f("roundCorner", 0.0), bool(cfg.get("invert")))
