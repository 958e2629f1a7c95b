"""add_images: one new image track per call, with in/out/group animations and transitions."""
from __future__ import annotations

from ...errors import ServiceError
from .. import builders as b
from .. import catalogue
from ..doc import DraftDoc
from ..parse import get_float, get_int, item_error, timed_urls
from .common import MediaRef, OpResult, new_track, pixels_to_half_canvas, place, segment_info

FIELD = "image_infos"


def validate_items(items: list[dict]) -> list[str]:
    """Check URLs, times and optional sizes (2009); return the URLs to download."""
    urls = timed_urls(items, field=FIELD, url_key="image_url", code=2009)
    for i, item in enumerate(items):
        for key in ("width", "height"):
            if item.get(key) is not None and get_int(item, key, code=2009, field=FIELD, index=i, minimum=1) is None:
                raise item_error(2009, FIELD, i, f"{key}无效", f"invalid {key}")
    return urls


def video_animations(item: dict, seg_dur: int, warnings: list[str], where: str) -> list[dict]:
    """in/out/loop(=group) animations of a video or photo segment, by display name."""
    anims = []
    specs = [("in", "video_in", "in_animation"), ("out", "video_out", "out_animation"),
             ("group", "video_group", "loop_animation")]
    has_in_out = bool(item.get("in_animation") or item.get("out_animation"))
    for anim_type, kind, key in specs:
        name = item.get(key)
        if not name:
            continue
        entry = catalogue.find(kind, str(name))
        if entry is None:
            warnings.append(f"{where}.{key}: unknown animation {name!r} ignored")
            continue
        if anim_type == "group" and has_in_out:
            warnings.append(f"{where}.{key}: a loop animation cannot be combined with in/out animations; ignored")
            continue
        dur = get_float(item, f"{key}_duration")
        if not dur or dur <= 0:
            dur = seg_dur if anim_type == "group" else (entry.default_duration_us or 500_000)
        dur = int(min(dur, seg_dur))
        start = seg_dur - dur if anim_type == "out" else 0
        anims.append(b.animation(entry, anim_type, start, dur, text=False))
    return anims


def add_images(doc: DraftDoc, items: list[dict], media: list[MediaRef], *, alpha: float = 1.0,
               scale_x: float = 1.0, scale_y: float = 1.0,
               transform_x: float = 0, transform_y: float = 0) -> OpResult:
    """Place each image on a new track for [start, end), with animations and transitions."""
    warnings: list[str] = []
    track = new_track(doc, "video", "image_track")
    index = doc.next_render_index()
    segs, mats = [], []
    for i, (item, ref) in enumerate(zip(items, media)):
        start, end = int(item["start"]), int(item["end"])
        dur = end - start
        where = f"{FIELD}[{i}]"
        material = b.video_material(ref.path, kind=ref.kind, width=ref.width, height=ref.height,
                                    duration=ref.duration_us)
        speed_mat = b.speed_material(1.0)
        refs = [speed_mat["id"]]
        anims = video_animations(item, dur, warnings, where)
        container = b.animation_container(anims) if anims else None
        if container:
            refs.append(container["id"])
        trans = None
        if item.get("transition"):
            entry = catalogue.find("transition", str(item["transition"]))
            if entry is None:
                warnings.append(f"{where}.transition: unknown transition {item['transition']!r} ignored")
            else:
                tdur = get_float(item, "transition_duration") or entry.default_duration_us or 500_000
                trans = b.transition_material(entry, int(tdur))
                refs.append(trans["id"])
        seg = b.segment(
            material["id"], b.timerange(start, dur), render_index=index, source=b.timerange(0, dur),
            extra_refs=refs,
            clip_=b.clip(alpha=alpha, scale_x=scale_x, scale_y=scale_y,
                         x=pixels_to_half_canvas(transform_x, doc.width),
                         y=pixels_to_half_canvas(transform_y, doc.height)),
            hdr=True,
        )
        clash = place(track, seg)
        if clash is not None:
            raise ServiceError(2010, f"第{i}项与片段{clash['id']}时间重叠", f"item {i} overlaps segment {clash['id']}")
        doc.add_material("videos", material)
        doc.add_material("speeds", speed_mat)
        if container:
            doc.add_material("material_animations", container)
        if trans:
            doc.add_material("transitions", trans)
        segs.append(seg)
        mats.append(material["id"])
    return OpResult({
        "track_id": track["id"], "image_ids": mats,
        "segment_ids": [s["id"] for s in segs], "segment_infos": [segment_info(s) for s in segs],
    }, warnings)
