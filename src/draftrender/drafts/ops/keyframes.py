"""add_keyframes: keyframes into segments' ``common_keyframes`` (capcut-mate.md §4.11).

Unlike capcut-mate, nothing is skipped silently: an unknown segment (2015), a segment that
cannot take the property (2016) or a bad item (2013) fails the whole call, before any change.

Rules:
* ``offset`` is µs from the segment's start (0 = its first frame); beyond the segment's
  duration it is clamped to the duration, with a warning.
* Position values with |v| > 1 are API pixels (stored as v / canvas width or height, like
  ``transform_x``); |v| ≤ 1 is taken as already in half-canvas units.
* ``UNIFORM_SCALE`` is stored as ``KFTypeScaleX`` with ``uniform_scale.on`` true; ScaleX/ScaleY
  turn it off. Mixing the two on one segment is refused (2013).
* Video, photo, text and sticker segments take every visual property; ``KFTypeVolume`` is
  accepted on video and audio segments (the only ones with sound) and is the only property
  audio segments take. Effect and filter segments take none.
* One list per property; new keyframes merge into an existing list, a keyframe at the same
  offset is replaced; lists stay sorted by time.
"""
from __future__ import annotations

import math

from ..doc import DraftDoc
from ..ids import new_id
from ..parse import item_error

FIELD = "keyframes"
VOLUME = "KFTypeVolume"
SCALE_X, SCALE_Y, UNIFORM = "KFTypeScaleX", "KFTypeScaleY", "UNIFORM_SCALE"
# Allowed value range per property (None = unbounded); values outside fail with 2013.
PROPERTIES: dict[str, tuple[float | None, float | None]] = {
    "KFTypePositionX": (None, None), "KFTypePositionY": (None, None),
    SCALE_X: (0.0, None), SCALE_Y: (0.0, None), UNIFORM: (0.0, None),
    "KFTypeRotation": (None, None), "KFTypeAlpha": (0.0, 1.0),
    "KFTypeSaturation": (-1.0, 1.0), "KFTypeContrast": (-1.0, 1.0), "KFTypeBrightness": (-1.0, 1.0),
    VOLUME: (0.0, 10.0),
}
SOUND_KINDS = ("video", "audio")
VISUAL_KINDS = ("video", "photo", "text", "sticker")


def _number(item: dict, key: str, index: int) -> float:
    raw = item.get(key)
    if raw is None:
        raise item_error(2013, FIELD, index, f"缺少{key}", f"missing {key}")
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
        raise item_error(2013, FIELD, index, f"{key}必须是数字", f"{key} must be a number")
    return float(raw)


def parse_items(items: list[dict]) -> list[dict]:
    """Check every item's fields, property, offset and value range (2013)."""
    out = []
    for i, item in enumerate(items):
        seg_id = item.get("segment_id")
        if not isinstance(seg_id, str) or not seg_id.strip():
            raise item_error(2013, FIELD, i, "缺少segment_id", "missing segment_id")
        prop = item.get("property")
        if prop not in PROPERTIES:
            raise item_error(2013, FIELD, i, f"不支持的属性: {prop}", f"unsupported property {prop!r}; "
                             f"one of {', '.join(PROPERTIES)}")
        offset = _number(item, "offset", i)
        if offset < 0:
            raise item_error(2013, FIELD, i, "offset不能为负数", "offset must be >= 0 (µs from the segment start)")
        value = _number(item, "value", i)
        low, high = PROPERTIES[prop]
        if (low is not None and value < low) or (high is not None and value > high):
            rng = f"{low if low is not None else '-∞'}..{high if high is not None else '∞'}"
            raise item_error(2013, FIELD, i, f"{prop}的值必须在{rng}之间", f"{prop} value must be in {rng}")
        out.append({"segment_id": seg_id.strip(), "property": prop, "offset": int(offset), "value": value})
    return out


def segment_kind(doc: DraftDoc, track: dict, seg: dict) -> str:
    """video | photo | text | sticker | audio, or the track type for anything else."""
    ttype = track.get("type", "")
    if ttype == "video":
        found = doc.find_material(str(seg.get("material_id", "")))
        return "photo" if found and found[1].get("type") == "photo" else "video"
    return ttype


def _check_target(kind: str, prop: str, seg_id: str, index: int) -> None:
    """2016 when a segment of this kind cannot carry the property."""
    if prop == VOLUME:
        if kind not in SOUND_KINDS:
            raise item_error(2016, FIELD, index, f"片段{seg_id}({kind})没有声音，不能添加音量关键帧",
                             f"segment {seg_id} ({kind}) has no sound; KFTypeVolume needs a video or audio segment")
    elif kind not in VISUAL_KINDS:
        raise item_error(2016, FIELD, index, f"片段{seg_id}({kind})不是可视片段，不能添加{prop}关键帧",
                         f"segment {seg_id} ({kind}) is not a visual segment; {prop} needs a video, image, text or sticker segment")


def _stored(prop: str) -> str:
    return SCALE_X if prop == UNIFORM else prop


def _scale_mode(seg: dict, props: set[str], index: int) -> bool | None:
    """The segment's new ``uniform_scale.on`` (None: unchanged); refuse uniform + per-axis mixes."""
    wants_uniform = UNIFORM in props
    wants_axes = bool(props & {SCALE_X, SCALE_Y})
    existing = {kl.get("property_type") for kl in seg.get("common_keyframes") or []}
    has_scale = bool(existing & {SCALE_X, SCALE_Y})
    uniform_now = bool((seg.get("uniform_scale") or {}).get("on", True))
    if (wants_uniform and wants_axes) or (wants_uniform and has_scale and not uniform_now) \
            or (wants_axes and has_scale and uniform_now):
        raise item_error(2013, FIELD, index, f"片段{seg['id']}不能同时使用UNIFORM_SCALE和KFTypeScaleX/KFTypeScaleY",
                         f"segment {seg['id']}: UNIFORM_SCALE cannot be combined with KFTypeScaleX/KFTypeScaleY")
    if wants_uniform:
        return True
    return False if wants_axes else None


def keyframe(offset: int, value: float) -> dict:
    """One linear keyframe, in pyJianYingDraft's key order."""
    return {"curveType": "Line", "graphID": "", "left_control": {"x": 0.0, "y": 0.0},
            "right_control": {"x": 0.0, "y": 0.0}, "id": new_id(), "time_offset": int(offset),
            "values": [float(value)]}


def merge_keyframe(seg: dict, prop: str, offset: int, value: float) -> None:
    """Insert (or replace at the same offset) a keyframe in the segment's list for ``prop``."""
    lists = seg.setdefault("common_keyframes", [])
    kl = next((x for x in lists if x.get("property_type") == prop), None)
    if kl is None:
        kl = {"id": new_id(), "keyframe_list": [], "material_id": "", "property_type": prop}
        lists.append(kl)
    frames = kl.setdefault("keyframe_list", [])
    same = next((k for k in frames if int(k.get("time_offset", -1)) == offset), None)
    if same is not None:
        same["values"] = [float(value)]
    else:
        frames.append(keyframe(offset, value))
    frames.sort(key=lambda k: int(k.get("time_offset", 0)))


def _value(doc: DraftDoc, prop: str, value: float) -> float:
    """capcut-mate's position rule: |v| > 1 is pixels → / canvas W (x) or H (y)."""
    if prop == "KFTypePositionX" and abs(value) > 1:
        return value / doc.width
    if prop == "KFTypePositionY" and abs(value) > 1:
        return value / doc.height
    return value


def _resolve(doc: DraftDoc, items: list[dict]) -> list[dict]:
    """The segment of every item (2015), checked against its property (2016)."""
    segs = []
    for i, it in enumerate(items):
        found = doc.find_segment(it["segment_id"])
        if found is None:
            raise item_error(2015, FIELD, i, f"片段不存在: {it['segment_id']}", f"no segment {it['segment_id']!r}")
        _check_target(segment_kind(doc, *found), it["property"], it["segment_id"], i)
        segs.append(found[1])
    return segs


def add_keyframes(doc: DraftDoc, items: list[dict]) -> tuple[int, list[str], list[str]]:
    """Apply parsed items (see parse_items); return (keyframes written, affected segments, warnings)."""
    segs = _resolve(doc, items)
    by_id = {s["id"]: s for s in segs}
    props: dict[str, set[str]] = {}
    first: dict[str, int] = {}
    for i, it in enumerate(items):
        props.setdefault(it["segment_id"], set()).add(it["property"])
        first.setdefault(it["segment_id"], i)
    # All checks before the first change, so a refused call leaves the document untouched.
    modes = {sid: _scale_mode(by_id[sid], props[sid], first[sid]) for sid in props}
    warnings: list[str] = []
    written: dict[tuple[str, str, int], int] = {}
    for i, (it, seg) in enumerate(zip(items, segs)):
        duration = int(seg["target_timerange"]["duration"])
        offset = it["offset"]
        if offset > duration:
            warnings.append(f"{FIELD}[{i}].offset: {offset} µs is past the end of segment "
                            f"{seg['id']} ({duration} µs); clamped to {duration}")
            offset = duration
        prop = _stored(it["property"])
        key = (seg["id"], prop, offset)
        if key in written:
            warnings.append(f"{FIELD}[{written[key]}]: replaced by item {i} (same segment, property and offset)")
        written[key] = i
        merge_keyframe(seg, prop, offset, _value(doc, it["property"], it["value"]))
    for sid, on in modes.items():
        if on is not None:
            seg = by_id[sid]
            seg["uniform_scale"] = {**(seg.get("uniform_scale") or {"value": 1.0}), "on": on}
    return len(written), list(props), warnings
