"""add_videos: one new video track per call (capcut-mate.md §1.2 add_videos)."""
from __future__ import annotations

from ...errors import ServiceError
from .. import builders as b
from .. import catalogue
from ..doc import DraftDoc
from ..parse import get_float, timed_urls
from . import masks
from .common import MediaRef, OpResult, new_track, pixels_to_half_canvas, place, segment_info

FIELD = "video_infos"


def validate_items(items: list[dict]) -> list[str]:
    """Check every item's URL (1001) and times (2003); return the URLs to download."""
    return timed_urls(items, field=FIELD, url_key="video_url", code=2003, url_code=1001)


def _scenes(scene_timelines: list[dict] | None, count: int) -> list[tuple[int, int]] | None:
    """Scene timelines are used only if there is a valid one for every video."""
    if not scene_timelines or len(scene_timelines) != count:
        return None
    out = []
    for sc in scene_timelines:
        try:
            s, e = int(sc["start"]), int(sc["end"])
        except (KeyError, TypeError, ValueError):
            return None
        if e <= s:
            return None
        out.append((s, e))
    return out


def add_videos(doc: DraftDoc, items: list[dict], media: list[MediaRef], *,
               scene_timelines: list[dict] | None = None, alpha: float = 1.0,
               scale_x: float = 1.0, scale_y: float = 1.0,
               transform_x: float = 0, transform_y: float = 0) -> OpResult:
    """Place each video on a new track; speed from scene timelines; transitions by name."""
    warnings: list[str] = []
    track = new_track(doc, "video", "video_track")
    index = doc.next_render_index()
    scenes = _scenes(scene_timelines, len(items))
    cursor = None
    segs, mats = [], []
    for i, (item, ref) in enumerate(zip(items, media)):
        start, end = int(item["start"]), int(item["end"])
        volume = get_float(item, "volume", 1.0)
        if volume is None or not 0 <= volume <= 10:
            volume = 1.0
        src_len = min(ref.duration_us, end - start) if ref.kind != "photo" else end - start
        speed = 1.0
        tgt_len = src_len
        if scenes is not None:
            s, e = scenes[i]
            speed = (end - start) / (e - s)
            tgt_len = int(round(src_len / speed))
            if cursor is not None:
                start = cursor
            cursor = start + tgt_len
        material = b.video_material(ref.path, kind=ref.kind, width=ref.width, height=ref.height,
                                    duration=ref.duration_us)
        speed_mat = b.speed_material(speed)
        refs = [speed_mat["id"]]
        trans = _transition(item, warnings, i)
        if trans is not None:
            refs.append(trans["id"])
        seg = b.segment(
            material["id"], b.timerange(start, tgt_len), render_index=index,
            source=b.timerange(0, src_len), speed=speed, volume=volume, extra_refs=refs,
            clip_=b.clip(alpha=alpha, scale_x=scale_x, scale_y=scale_y,
                         x=pixels_to_half_canvas(transform_x, doc.width),
                         y=pixels_to_half_canvas(transform_y, doc.height)),
            hdr=True,
        )
        clash = place(track, seg)
        if clash is not None:
            raise ServiceError(2006, f"第{i}项与片段{clash['id']}时间重叠",
                               f"item {i} overlaps segment {clash['id']}")
        doc.add_material("videos", material)
        doc.add_material("speeds", speed_mat)
        if trans is not None:
            doc.add_material("transitions", trans)
        if item.get("mask"):
            _mask(doc, seg, item["mask"], ref, warnings, i)
        segs.append(seg)
        mats.append(material["id"])
    return OpResult({
        "track_id": track["id"], "video_ids": mats,
        "segment_ids": [s["id"] for s in segs], "segment_infos": [segment_info(s) for s in segs],
    }, warnings)


def _mask(doc: DraftDoc, seg: dict, name, ref: MediaRef, warnings: list[str], index: int) -> None:
    """A mask by name (capcut-mate parses ``mask`` and drops it; we apply it like add_masks)."""
    if not isinstance(name, str) or masks.find_shape(name) is None:
        warnings.append(f"{FIELD}[{index}].mask: unknown mask {name!r} ignored "
                        f"(known: {', '.join(masks.SHAPES)})")
        return
    _, more = masks.apply_mask(doc, seg, name, material_size=(ref.width, ref.height))
    warnings += [f"{FIELD}[{index}].mask: {w}" for w in more]


def _transition(item: dict, warnings: list[str], index: int) -> dict | None:
    name = item.get("transition")
    if not name:
        return None
    entry = catalogue.find("transition", str(name), loose=True)
    if entry is None:
        warnings.append(f"{FIELD}[{index}].transition: unknown transition {name!r} ignored")
        return None
    duration = get_float(item, "transition_duration")
    if not duration or duration <= 0:
        duration = entry.default_duration_us or 500_000
    return b.transition_material(entry, int(duration))
