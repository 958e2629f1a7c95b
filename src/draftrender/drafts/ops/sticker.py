"""add_sticker: a JianYing sticker (by resource id) on a new sticker track (capcut-mate.md §4.10).

Sticker tracks sit at JianYing's fixed sticker layer 14000 (capcut-mate.md §4.3), so later
ordered tracks continue from 14001.
"""
from __future__ import annotations

from ...errors import ServiceError
from .. import builders as b
from ..doc import DraftDoc
from ..ids import new_id
from .common import OpResult, new_track, pixels_to_half_canvas

STICKER_RENDER_INDEX = 14000


def validate(sticker_id: str, start: int, end: int, scale: float) -> str:
    """2011 for a blank id, a negative start, end ≤ start or a scale ≤ 0; the stripped id."""
    sid = (sticker_id or "").strip()
    if not sid:
        raise ServiceError(2011, "sticker_id不能为空", "sticker_id is empty")
    if start < 0:
        raise ServiceError(2011, "start不能为负数", "start must be >= 0")
    if end <= start:
        raise ServiceError(2011, "end必须大于start", "end must be greater than start")
    if scale <= 0:
        raise ServiceError(2011, "scale必须大于0", "scale must be > 0")
    return sid


def sticker_material(sticker_id: str) -> dict:
    """capcut-mate's minimal ``materials.stickers`` entry (JianYing resolves it by resource id)."""
    return {"id": new_id(), "resource_id": sticker_id, "sticker_id": sticker_id,
            "source_platform": 1, "type": "sticker"}


def add_sticker(doc: DraftDoc, sticker_id: str, start: int, end: int, *, scale: float = 1.0,
                transform_x: float = 0, transform_y: float = 0) -> OpResult:
    """Place the sticker for [start, end) on a new sticker track, uniformly scaled and moved."""
    sid = validate(sticker_id, start, end, scale)
    track = new_track(doc, "sticker", "sticker_track")
    material = sticker_material(sid)
    # capcut-mate references a speed it never writes; we add it so the reference resolves.
    speed = b.speed_material(1.0)
    seg = b.segment(
        material["id"], b.timerange(start, end - start), render_index=STICKER_RENDER_INDEX,
        source=None, extra_refs=[speed["id"]],
        clip_=b.clip(scale_x=scale, scale_y=scale, x=pixels_to_half_canvas(transform_x, doc.width),
                     y=pixels_to_half_canvas(transform_y, doc.height)),
    )
    track["segments"].append(seg)
    doc.add_material("stickers", material)
    doc.add_material("speeds", speed)
    return OpResult({"sticker_id": sid, "track_id": track["id"], "segment_id": seg["id"],
                     "duration": end - start})
