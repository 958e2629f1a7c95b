"""add_effects and add_filters: one new effect (or filter) track per call (capcut-mate.md §4.10).

Effects are looked up by exact display name in the scene-effect catalogue, then the
character-effect one; filters in the filter catalogue. Every item is checked before the draft
is touched, and any failure aborts the whole call.
"""
from __future__ import annotations

from ...errors import ServiceError
from .. import builders as b
from .. import catalogue
from ..catalogue import Entry
from ..doc import DraftDoc
from ..ids import new_id
from ..parse import get_int, item_error
from .common import OpResult, new_track, place

EFFECT_FIELD = "effect_infos"
FILTER_FIELD = "filter_infos"
# JianYing's fixed layer of global effects inside their material (not the track's index).
EFFECT_MATERIAL_RENDER_INDEX = 11000
# Catalogue kind → the material type JianYing uses for it.
EFFECT_KINDS = (("scene_effect", "video_effect"), ("character_effect", "face_effect"))


def _times(item: dict, *, code: int, field: str, index: int) -> tuple[int, int]:
    """``start`` ≥ 0 and ``end`` > ``start`` (µs, floats truncated)."""
    start = get_int(item, "start", code=code, field=field, index=index, minimum=0)
    end = get_int(item, "end", code=code, field=field, index=index)
    if end <= start:
        raise item_error(code, field, index, "end必须大于start", "end must be greater than start")
    return start, end


def _title(item: dict, key: str, *, code: int, field: str, index: int) -> str:
    raw = item.get(key)
    if raw is None or not str(raw).strip():
        raise item_error(code, field, index, f"缺少{key}", f"missing {key}")
    return str(raw).strip()


def find_effect(title: str) -> tuple[Entry, str] | None:
    """The catalogue entry for an effect display name and its material type, or None."""
    for kind, material_type in EFFECT_KINDS:
        entry = catalogue.find(kind, title)
        if entry is not None:
            return entry, material_type
    return None


def parse_effect_items(items: list[dict]) -> list[dict]:
    """Validate ``effect_infos`` (2020) and resolve every title (2022) before any edit."""
    out = []
    for i, item in enumerate(items):
        title = _title(item, "effect_title", code=2020, field=EFFECT_FIELD, index=i)
        start, end = _times(item, code=2020, field=EFFECT_FIELD, index=i)
        found = find_effect(title)
        if found is None:
            raise item_error(2022, EFFECT_FIELD, i, f"未知特效: {title}（见get_effects）",
                             f"unknown effect {title!r} (see get_effects)")
        out.append({"entry": found[0], "type": found[1], "start": start, "end": end})
    return out


def parse_filter_items(items: list[dict]) -> list[dict]:
    """Validate ``filter_infos`` (2037: times, intensity 0–100) and resolve names (2039)."""
    out = []
    for i, item in enumerate(items):
        title = _title(item, "filter_title", code=2037, field=FILTER_FIELD, index=i)
        start, end = _times(item, code=2037, field=FILTER_FIELD, index=i)
        intensity = item.get("intensity", 100)
        if intensity is None:
            intensity = 100
        if isinstance(intensity, bool) or not isinstance(intensity, (int, float)) or not 0 <= intensity <= 100:
            raise item_error(2037, FILTER_FIELD, i, "intensity必须是0到100之间的数字",
                             "intensity must be a number from 0 to 100")
        entry = catalogue.find("filter", title)
        if entry is None:
            raise item_error(2039, FILTER_FIELD, i, f"未知滤镜: {title}（见get_filters）",
                             f"unknown filter {title!r} (see get_filters)")
        out.append({"entry": entry, "start": start, "end": end, "intensity": float(intensity)})
    return out


def effect_material(entry: Entry, material_type: str) -> dict:
    """A global (apply_target_type 2) entry of ``materials.video_effects`` with default params."""
    return {
        "adjust_params": [], "apply_target_type": 2, "apply_time_range": None,
        "category_id": "", "category_name": "", "common_keyframes": [], "disable_effect_faces": [],
        "effect_id": entry.effect_id, "formula_id": "", "id": new_id(), "name": entry.name,
        "platform": "all", "render_index": EFFECT_MATERIAL_RENDER_INDEX,
        "resource_id": entry.resource_id, "source_platform": 0, "time_range": None,
        "track_render_index": 0, "type": material_type, "value": 1.0, "version": "",
    }


def filter_material(entry: Entry, value: float) -> dict:
    """An entry of ``materials.effects`` of type "filter"; ``value`` is the intensity 0–1."""
    return {
        "adjust_params": [], "algorithm_artifact_path": "", "apply_target_type": 0,
        "bloom_params": None, "category_id": "", "category_name": "",
        "color_match_info": {"source_feature_path": "", "target_feature_path": "", "target_image_path": ""},
        "effect_id": entry.effect_id, "enable_skin_tone_correction": False, "exclusion_group": [],
        "face_adjust_params": [], "formula_id": "", "id": new_id(), "intensity_key": "",
        "multi_language_current": "", "name": entry.name, "panel_id": "", "platform": "all",
        "resource_id": entry.resource_id, "source_platform": 1, "sub_type": "none",
        "time_range": None, "type": "filter", "value": float(value), "version": "",
    }


def _place_all(doc: DraftDoc, track_type: str, prefix: str, specs: list[tuple[dict, int, int]],
               fail_code: int, field: str) -> tuple[dict, list[dict]]:
    """A new ordered track holding one plain segment per (material, start, end); overlaps fail."""
    track = new_track(doc, track_type, prefix)
    index = doc.next_render_index()
    segs = []
    for i, (material, start, end) in enumerate(specs):
        seg = b.segment(material["id"], b.timerange(start, end - start), render_index=index,
                        source=None, media=False)
        clash = place(track, seg)
        if clash is not None:
            # Segments of one track may not overlap in JianYing: name the clashing items.
            other = next(j for j, s in enumerate(segs) if s is clash)
            raise ServiceError(fail_code, f"{field}第{i}项与第{other}项时间重叠",
                               f"{field} item {i} overlaps item {other}")
        segs.append(seg)
    return track, segs


def add_effects(doc: DraftDoc, items: list[dict]) -> OpResult:
    """Put each parsed effect (see parse_effect_items) on a new effect track above all others."""
    materials = [effect_material(it["entry"], it["type"]) for it in items]
    track, segs = _place_all(doc, "effect", "effect_track",
                             [(m, it["start"], it["end"]) for m, it in zip(materials, items)],
                             2021, EFFECT_FIELD)
    for m in materials:
        doc.add_material("video_effects", m)
    return OpResult({"track_id": track["id"], "effect_ids": [m["id"] for m in materials],
                     "segment_ids": [s["id"] for s in segs]})


def add_filters(doc: DraftDoc, items: list[dict]) -> OpResult:
    """Put each parsed filter (see parse_filter_items) on a new filter track above all others."""
    materials = [filter_material(it["entry"], it["intensity"] / 100.0) for it in items]
    track, segs = _place_all(doc, "filter", "filter_track",
                             [(m, it["start"], it["end"]) for m, it in zip(materials, items)],
                             2038, FILTER_FIELD)
    for m in materials:
        doc.add_material("effects", m)
    return OpResult({"track_id": track["id"], "filter_ids": [m["id"] for m in materials],
                     "segment_ids": [s["id"] for s in segs]})
