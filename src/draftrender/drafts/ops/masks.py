"""Masks on video/photo segments (capcut-mate.md §4.9): add_masks, and apply_mask for add_videos.

Geometry is relative to the segment's *material* (its pixel size in ``materials.videos``):
``centerX = X / (w/2)``, ``centerY = Y / (h/2)``, ``height = height_px / h``; a rectangle's
``width = width_px / w``, every other shape's ``width = height × aspectRatio × h / w``.
``feather`` and ``roundCorner`` are 0–100 inputs stored / 100. One mask per segment: a segment
that already has one keeps it (its id is returned, with a warning).
"""
from __future__ import annotations

from dataclasses import dataclass

from ...errors import ServiceError
from ..doc import DraftDoc
from ..ids import new_id
from .common import OpResult
from .keyframes import segment_kind


@dataclass(frozen=True)
class MaskShape:
    """One of JianYing's mask shapes: display name, resource type/id, default aspect ratio."""

    name: str
    resource_type: str
    resource_id: str
    aspect_ratio: float


SHAPES = {s.name: s for s in (
    MaskShape("线性", "line", "6791652175668843016", 1.0),
    MaskShape("镜面", "mirror", "6791699060140020232", 1.0),
    MaskShape("圆形", "circle", "6791700663249146381", 1.0),
    MaskShape("矩形", "rectangle", "6791700809454195207", 1.0),
    MaskShape("爱心", "geometric_shape", "6794051276482023949", 1.115),
    MaskShape("星形", "geometric_shape", "6794051169434997255", 1.05),
)}
RECTANGLE = "矩形"
DEFAULT_SIZE = 512


def find_shape(name: str | None) -> MaskShape | None:
    """The mask shape for a display name (线性, 镜面, 圆形, 矩形, 爱心, 星形), or None."""
    return SHAPES.get(str(name).strip()) if name is not None else None


def shape_or_error(name: str | None) -> MaskShape:
    """The shape, or 2025 naming the accepted names."""
    shape = find_shape(name)
    if shape is None:
        names = "、".join(SHAPES)
        raise ServiceError(2025, f"未知蒙版: {name}（可用: {names}）",
                           f"unknown mask {name!r} (one of {', '.join(SHAPES)})")
    return shape


def check_geometry(width: float | None, height: float | None, feather: float, round_corner: float | None) -> None:
    """2023 for sizes ≤ 0 and feather/roundCorner outside 0–100."""
    for key, value in (("width", width), ("height", height)):
        if value is not None and value <= 0:
            raise ServiceError(2023, f"{key}必须大于0", f"{key} must be > 0")
    for key, value in (("feather", feather), ("roundCorner", round_corner)):
        if value is not None and not 0 <= value <= 100:
            raise ServiceError(2023, f"{key}必须在0到100之间", f"{key} must be in 0..100")


def mask_material(shape: MaskShape, material_w: int, material_h: int, *, x: float = 0, y: float = 0,
                  width: float = DEFAULT_SIZE, height: float = DEFAULT_SIZE, feather: float = 0,
                  rotation: float = 0, invert: bool = False, round_corner: float = 0) -> dict:
    """A ``materials.masks`` entry for a material of ``material_w`` × ``material_h`` pixels."""
    rel_h = float(height) / material_h
    if shape.name == RECTANGLE:
        rel_w = float(width) / material_w
    else:
        rel_w = rel_h * shape.aspect_ratio * material_h / material_w
    return {
        "config": {
            "aspectRatio": shape.aspect_ratio, "centerX": float(x) / (material_w / 2),
            "centerY": float(y) / (material_h / 2), "feather": float(feather) / 100,
            "height": rel_h, "invert": bool(invert), "rotation": float(rotation),
            "roundCorner": float(round_corner) / 100 if shape.name == RECTANGLE else 0.0,
            "width": rel_w,
        },
        "id": new_id(), "name": shape.name, "platform": "all", "position_info": "",
        "resource_type": shape.resource_type, "resource_id": shape.resource_id, "type": "mask",
    }


def existing_mask(doc: DraftDoc, segment: dict) -> str | None:
    """The id of the mask the segment already references, if any."""
    ids = {m.get("id") for m in doc.materials("masks")}
    return next((r for r in segment.get("extra_material_refs") or [] if r in ids), None)


def apply_mask(doc: DraftDoc, segment: dict, name: str, *, material_size: tuple[int, int] | None = None,
               x: float = 0, y: float = 0, width: float | None = None, height: float | None = None,
               feather: float = 0, rotation: float = 0, invert: bool = False,
               round_corner: float | None = None) -> tuple[str, list[str]]:
    """Mask ``segment`` (a video/photo segment); return (mask id, warnings). Raises 2023/2024/2025.

    ``material_size`` is the material's pixel size; without it the segment's material is
    looked up in ``materials.videos`` (pass it when the material is not added yet).
    """
    shape = shape_or_error(name)
    check_geometry(width, height, feather, round_corner)
    warnings: list[str] = []
    found = existing_mask(doc, segment)
    if found is not None:
        return found, [f"segment {segment['id']} already has mask {found}; kept unchanged"]
    if material_size is None:
        material_size = _material_size(doc, segment)
    mw, mh = material_size
    if not mw or not mh or mw <= 0 or mh <= 0:
        raise ServiceError(2024, f"片段{segment['id']}的素材尺寸未知", f"segment {segment['id']}: material size unknown")
    if shape.name != RECTANGLE:
        if width is not None:
            warnings.append(f"width ignored for {shape.name}: its width follows height × aspect ratio "
                            f"{shape.aspect_ratio}")
        if round_corner:
            warnings.append(f"roundCorner ignored: only {RECTANGLE} (rectangle) masks have round corners")
    mask = mask_material(shape, mw, mh, x=x, y=y, width=width or DEFAULT_SIZE,
                         height=height or DEFAULT_SIZE, feather=feather, rotation=rotation,
                         invert=invert, round_corner=round_corner or 0)
    doc.add_material("masks", mask)
    segment.setdefault("extra_material_refs", []).append(mask["id"])
    return mask["id"], warnings


def _material_size(doc: DraftDoc, segment: dict) -> tuple[int, int]:
    mid = segment.get("material_id")
    material = next((m for m in doc.materials("videos") if m.get("id") == mid), None)
    if material is None:
        raise ServiceError(2024, f"片段{segment['id']}的素材不存在", f"segment {segment['id']}: material {mid} not found")
    return int(material.get("width") or 0), int(material.get("height") or 0)


def add_masks(doc: DraftDoc, segment_ids: list[str], name: str, **geometry) -> OpResult:
    """Mask every listed segment or none: the first failing segment aborts (nothing is saved)."""
    if not segment_ids:
        raise ServiceError(2023, "segment_ids不能为空", "segment_ids is empty")
    shape_or_error(name)
    check_geometry(geometry.get("width"), geometry.get("height"), geometry.get("feather", 0),
                   geometry.get("round_corner"))
    targets, warnings = [], []
    if len(set(segment_ids)) != len(segment_ids):
        warnings.append("segment_ids lists a segment more than once; each segment gets one mask")
    for sid in dict.fromkeys(segment_ids):
        found = doc.find_segment(sid)
        if found is None:
            raise ServiceError(2015, f"片段不存在: {sid}", f"no segment {sid!r}")
        kind = segment_kind(doc, *found)
        if kind not in ("video", "photo"):
            raise ServiceError(2016, f"片段{sid}是{kind}片段，只有视频/图片片段可以加蒙版",
                               f"segment {sid} is a {kind} segment; masks need a video or image segment")
        targets.append(found[1])
    added, mask_ids = 0, []
    for seg in targets:
        before = existing_mask(doc, seg)
        mask_id, notes = apply_mask(doc, seg, name, **geometry)
        added += before is None
        mask_ids.append(mask_id)
        warnings.extend(n for n in notes if n not in warnings)
    return OpResult({"masks_added": added, "affected_segments": [s["id"] for s in targets],
                     "mask_ids": mask_ids}, warnings)
